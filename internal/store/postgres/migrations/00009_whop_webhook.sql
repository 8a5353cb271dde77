-- The webhook Roster registers at Whop for a workspace: its Whop ID (to
-- delete it on disconnect), where the sealed secret came from, and why the
-- last registration failed, if it did.
-- +goose Up
ALTER TABLE whop_connections ADD COLUMN webhook_id TEXT NOT NULL DEFAULT '';
ALTER TABLE whop_connections ADD COLUMN webhook_source TEXT NOT NULL DEFAULT '';
ALTER TABLE whop_connections ADD COLUMN webhook_error TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE whop_connections DROP COLUMN webhook_error;
ALTER TABLE whop_connections DROP COLUMN webhook_source;
ALTER TABLE whop_connections DROP COLUMN webhook_id;
