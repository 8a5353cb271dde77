-- Outgoing webhooks (issue 8). A webhook is a workspace's subscription of a
-- target URL to record events; its signing secret is sealed under
-- ROSTER_ENCRYPTION_KEY (secret_sealed) and shown to the admin only when it is
-- made. failing_since is when the current run of failed attempts began (NULL
-- after a success): three days of it disable the webhook.
--
-- A delivery is one event for one webhook: its id is the webhook-id header of
-- every attempt, body is the exact JSON signed and sent (a retry resends the
-- same bytes), and (webhook_id, event_key) makes a re-run of the event
-- dispatch find the delivery instead of sending twice. Each attempt is logged
-- in webhook_delivery_attempts with its status code, duration and a truncated
-- response, so Settings can show what the target answered.
-- +goose Up
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    target_url TEXT NOT NULL,
    operations TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    secret_sealed TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    failure_count INTEGER NOT NULL DEFAULT 0,
    failing_since TEXT,
    disabled_reason TEXT NOT NULL DEFAULT '',
    last_delivery_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX webhooks_workspace_idx ON webhooks (workspace_id, created_at, id);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_key TEXT NOT NULL,
    event_type TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER,
    last_error TEXT NOT NULL DEFAULT '',
    next_attempt_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX webhook_deliveries_event_uq ON webhook_deliveries (webhook_id, event_key);
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (workspace_id, webhook_id, created_at, id);

CREATE TABLE webhook_delivery_attempts (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    manual INTEGER NOT NULL DEFAULT 0,
    event_type TEXT NOT NULL,
    attempted_at TEXT NOT NULL,
    status_code INTEGER,
    duration_ms INTEGER NOT NULL,
    success INTEGER NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    response TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_delivery_attempts_webhook_idx ON webhook_delivery_attempts (workspace_id, webhook_id, attempted_at, id);
CREATE INDEX webhook_delivery_attempts_delivery_idx ON webhook_delivery_attempts (delivery_id, attempt);

-- +goose Down
DROP TABLE webhook_delivery_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
