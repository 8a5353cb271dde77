-- SQLite needed a plain email index (see its 00008); PostgreSQL already uses
-- the partial unique index for bound emails, so this version changes nothing.
-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
