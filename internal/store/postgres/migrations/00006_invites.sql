-- Account flows without a mail server: invite links and password reset
-- links. Only the SHA-256 (hex) of each link's token is stored, so a copy of
-- the database cannot be turned into a working link. Both are single use
-- (accepted_at / used_at) and expire.
-- +goose Up
CREATE TABLE invites (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    token_hash TEXT NOT NULL,
    created_by_user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    accepted_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX invites_token_hash_uq ON invites (token_hash);
CREATE INDEX invites_workspace_idx ON invites (workspace_id, created_at);

CREATE TABLE password_resets (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX password_resets_token_hash_uq ON password_resets (token_hash);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);

-- +goose Down
DROP TABLE password_resets;
DROP TABLE invites;
