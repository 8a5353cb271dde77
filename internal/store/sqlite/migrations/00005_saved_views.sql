-- Saved table views: a person's named filter/sort/column choice for one
-- object's table, stored as the table page's query string. Private to the
-- user who saved it, inside one workspace.
-- +goose Up
CREATE TABLE saved_views (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    object TEXT NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX saved_views_uq ON saved_views (workspace_id, user_id, object, name);

-- +goose Down
DROP TABLE saved_views;
