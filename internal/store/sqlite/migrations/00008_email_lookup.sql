-- SQLite cannot use the partial unique index on primary emails when the
-- email is a bound parameter (it cannot prove the parameter is not ''), so
-- an email lookup scanned the workspace. A plain index serves it.
-- +goose Up
CREATE INDEX people_ws_email_idx ON people (workspace_id, emails_primary_email);

-- +goose Down
DROP INDEX people_ws_email_idx;
