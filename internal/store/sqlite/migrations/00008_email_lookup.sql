-- SQLite cannot use the partial unique index on primary emails when the
-- email is a bound parameter (it cannot prove the parameter is not ''), so
-- an email lookup scanned the workspace. A plain index serves it, with id
-- last so the default ordering needs no sort.
-- +goose Up
CREATE INDEX people_ws_email_idx ON people (workspace_id, emails_primary_email, id);

-- +goose Down
DROP INDEX people_ws_email_idx;
