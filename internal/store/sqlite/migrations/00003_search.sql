-- Substring search: SQLite FTS5 trigram indexes over the searchable text
-- columns (kept in step by triggers), so ilike '%smi%' reads an index, not
-- every row.
-- +goose Up
CREATE VIRTUAL TABLE people_search USING fts5(name_first_name, name_last_name, emails_primary_email, content='people', content_rowid='seq', tokenize='trigram');
-- +goose StatementBegin
CREATE TRIGGER people_search_ai AFTER INSERT ON people BEGIN
    INSERT INTO people_search (rowid, name_first_name, name_last_name, emails_primary_email) VALUES (new.seq, new.name_first_name, new.name_last_name, new.emails_primary_email);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER people_search_ad AFTER DELETE ON people BEGIN
    INSERT INTO people_search (people_search, rowid, name_first_name, name_last_name, emails_primary_email) VALUES ('delete', old.seq, old.name_first_name, old.name_last_name, old.emails_primary_email);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER people_search_au AFTER UPDATE OF name_first_name, name_last_name, emails_primary_email ON people BEGIN
    INSERT INTO people_search (people_search, rowid, name_first_name, name_last_name, emails_primary_email) VALUES ('delete', old.seq, old.name_first_name, old.name_last_name, old.emails_primary_email);
    INSERT INTO people_search (rowid, name_first_name, name_last_name, emails_primary_email) VALUES (new.seq, new.name_first_name, new.name_last_name, new.emails_primary_email);
END;
-- +goose StatementEnd
INSERT INTO people_search (people_search) VALUES ('rebuild');
CREATE VIRTUAL TABLE companies_search USING fts5(name, domain_name_primary_link_url, content='companies', content_rowid='seq', tokenize='trigram');
-- +goose StatementBegin
CREATE TRIGGER companies_search_ai AFTER INSERT ON companies BEGIN
    INSERT INTO companies_search (rowid, name, domain_name_primary_link_url) VALUES (new.seq, new.name, new.domain_name_primary_link_url);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER companies_search_ad AFTER DELETE ON companies BEGIN
    INSERT INTO companies_search (companies_search, rowid, name, domain_name_primary_link_url) VALUES ('delete', old.seq, old.name, old.domain_name_primary_link_url);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER companies_search_au AFTER UPDATE OF name, domain_name_primary_link_url ON companies BEGIN
    INSERT INTO companies_search (companies_search, rowid, name, domain_name_primary_link_url) VALUES ('delete', old.seq, old.name, old.domain_name_primary_link_url);
    INSERT INTO companies_search (rowid, name, domain_name_primary_link_url) VALUES (new.seq, new.name, new.domain_name_primary_link_url);
END;
-- +goose StatementEnd
INSERT INTO companies_search (companies_search) VALUES ('rebuild');
CREATE VIRTUAL TABLE opportunities_search USING fts5(name, content='opportunities', content_rowid='seq', tokenize='trigram');
-- +goose StatementBegin
CREATE TRIGGER opportunities_search_ai AFTER INSERT ON opportunities BEGIN
    INSERT INTO opportunities_search (rowid, name) VALUES (new.seq, new.name);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER opportunities_search_ad AFTER DELETE ON opportunities BEGIN
    INSERT INTO opportunities_search (opportunities_search, rowid, name) VALUES ('delete', old.seq, old.name);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER opportunities_search_au AFTER UPDATE OF name ON opportunities BEGIN
    INSERT INTO opportunities_search (opportunities_search, rowid, name) VALUES ('delete', old.seq, old.name);
    INSERT INTO opportunities_search (rowid, name) VALUES (new.seq, new.name);
END;
-- +goose StatementEnd
INSERT INTO opportunities_search (opportunities_search) VALUES ('rebuild');
CREATE VIRTUAL TABLE notes_search USING fts5(title, content='notes', content_rowid='seq', tokenize='trigram');
-- +goose StatementBegin
CREATE TRIGGER notes_search_ai AFTER INSERT ON notes BEGIN
    INSERT INTO notes_search (rowid, title) VALUES (new.seq, new.title);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER notes_search_ad AFTER DELETE ON notes BEGIN
    INSERT INTO notes_search (notes_search, rowid, title) VALUES ('delete', old.seq, old.title);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER notes_search_au AFTER UPDATE OF title ON notes BEGIN
    INSERT INTO notes_search (notes_search, rowid, title) VALUES ('delete', old.seq, old.title);
    INSERT INTO notes_search (rowid, title) VALUES (new.seq, new.title);
END;
-- +goose StatementEnd
INSERT INTO notes_search (notes_search) VALUES ('rebuild');
CREATE VIRTUAL TABLE tasks_search USING fts5(title, content='tasks', content_rowid='seq', tokenize='trigram');
-- +goose StatementBegin
CREATE TRIGGER tasks_search_ai AFTER INSERT ON tasks BEGIN
    INSERT INTO tasks_search (rowid, title) VALUES (new.seq, new.title);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tasks_search_ad AFTER DELETE ON tasks BEGIN
    INSERT INTO tasks_search (tasks_search, rowid, title) VALUES ('delete', old.seq, old.title);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tasks_search_au AFTER UPDATE OF title ON tasks BEGIN
    INSERT INTO tasks_search (tasks_search, rowid, title) VALUES ('delete', old.seq, old.title);
    INSERT INTO tasks_search (rowid, title) VALUES (new.seq, new.title);
END;
-- +goose StatementEnd
INSERT INTO tasks_search (tasks_search) VALUES ('rebuild');

-- +goose Down
DROP TRIGGER people_search_au;
DROP TRIGGER people_search_ad;
DROP TRIGGER people_search_ai;
DROP TABLE people_search;
DROP TRIGGER companies_search_au;
DROP TRIGGER companies_search_ad;
DROP TRIGGER companies_search_ai;
DROP TABLE companies_search;
DROP TRIGGER opportunities_search_au;
DROP TRIGGER opportunities_search_ad;
DROP TRIGGER opportunities_search_ai;
DROP TABLE opportunities_search;
DROP TRIGGER notes_search_au;
DROP TRIGGER notes_search_ad;
DROP TRIGGER notes_search_ai;
DROP TABLE notes_search;
DROP TRIGGER tasks_search_au;
DROP TRIGGER tasks_search_ad;
DROP TRIGGER tasks_search_ai;
DROP TABLE tasks_search;
