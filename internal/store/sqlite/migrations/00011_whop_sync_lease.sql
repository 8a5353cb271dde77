-- The execution that holds a running Whop sync: set by the worker that
-- claims the run, cleared when it lets go. updated_at is that worker's
-- heartbeat; a run whose heartbeat is stale is taken over (the process died).
-- +goose Up
ALTER TABLE whop_sync_runs ADD COLUMN lease TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE whop_sync_runs DROP COLUMN lease;
