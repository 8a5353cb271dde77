-- Accounts and access: users, workspace memberships, browser sessions and
-- API keys. Secrets never rest here in plain text: passwords are argon2id
-- hashes, session IDs and API key hashes are SHA-256 of high-entropy tokens.
-- +goose Up
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX users_email_uq ON users (email);

CREATE TABLE workspace_members (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX workspace_members_uq ON workspace_members (workspace_id, user_id);
CREATE INDEX workspace_members_user_idx ON workspace_members (user_id);

-- id is the SHA-256 (hex) of the session token; the token itself is never stored.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_workspace_idx ON sessions (workspace_id);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_by_user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE UNIQUE INDEX api_keys_hash_uq ON api_keys (hash);
CREATE INDEX api_keys_workspace_idx ON api_keys (workspace_id, created_at);

-- +goose Down
DROP TABLE api_keys;
DROP TABLE sessions;
DROP TABLE workspace_members;
DROP TABLE users;
