-- The mailer's outbox: every message Roster sends or, with EMAIL_DRIVER=log,
-- keeps instead of sending, so Settings -> Email shows the history and an
-- admin can find a message that was not sent. Links that work as credentials
-- (invite and password reset tokens) are never in body: it holds them masked,
-- and, for the log driver only, sealed_body holds the whole body sealed under
-- ROSTER_ENCRYPTION_KEY so an admin can open it. (workspace_id, idempotency_key) makes a caller's retry (a
-- workflow step re-run after a crash) find its message instead of sending
-- twice; NULL keys never collide.
-- +goose Up
CREATE TABLE email_outbox (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    driver TEXT NOT NULL CHECK (driver IN ('smtp', 'log')),
    status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'logged')),
    from_address TEXT NOT NULL,
    to_addresses TEXT NOT NULL,
    cc_addresses TEXT NOT NULL DEFAULT '',
    reply_to TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sealed_body TEXT,
    message_id TEXT NOT NULL,
    idempotency_key TEXT,
    error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX email_outbox_workspace_idx ON email_outbox (workspace_id, created_at, id);
CREATE UNIQUE INDEX email_outbox_idempotency_uq ON email_outbox (workspace_id, idempotency_key);

-- +goose Down
DROP TABLE email_outbox;
