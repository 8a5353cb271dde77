-- Substring search: trigram GIN indexes, so ILIKE '%smi%' reads an index,
-- not every row. pg_trgm is a trusted extension (PostgreSQL 13+).
-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX people_name_first_name_trgm ON people USING gin (name_first_name gin_trgm_ops);
CREATE INDEX people_name_last_name_trgm ON people USING gin (name_last_name gin_trgm_ops);
CREATE INDEX people_emails_primary_email_trgm ON people USING gin (emails_primary_email gin_trgm_ops);
CREATE INDEX companies_name_trgm ON companies USING gin (name gin_trgm_ops);
CREATE INDEX companies_domain_name_primary_link_url_trgm ON companies USING gin (domain_name_primary_link_url gin_trgm_ops);
CREATE INDEX opportunities_name_trgm ON opportunities USING gin (name gin_trgm_ops);
CREATE INDEX notes_title_trgm ON notes USING gin (title gin_trgm_ops);
CREATE INDEX tasks_title_trgm ON tasks USING gin (title gin_trgm_ops);

-- +goose Down
DROP INDEX people_name_first_name_trgm;
DROP INDEX people_name_last_name_trgm;
DROP INDEX people_emails_primary_email_trgm;
DROP INDEX companies_name_trgm;
DROP INDEX companies_domain_name_primary_link_url_trgm;
DROP INDEX opportunities_name_trgm;
DROP INDEX notes_title_trgm;
DROP INDEX tasks_title_trgm;
-- the extension stays: other schemas of the database may use it
