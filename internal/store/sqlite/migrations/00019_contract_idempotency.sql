-- A contract sent by a workflow step carries the step's idempotency key
-- ("<runId>:<stepId>"), so a step retried after a crash finds the contract
-- it already sent instead of sending a second one.
-- +goose Up
ALTER TABLE contracts ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX contracts_idempotency_uq ON contracts (workspace_id, idempotency_key);

-- +goose Down
DROP INDEX contracts_idempotency_uq;
ALTER TABLE contracts DROP COLUMN idempotency_key;
