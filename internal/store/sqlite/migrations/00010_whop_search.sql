-- Search by Whop identifiers: the people index also holds the Whop
-- username and user ID, the opportunities index the membership ID, and each
-- membership keeps the email Whop gave for its user (found by search even
-- when the person's own email differs).
-- +goose Up
DROP TRIGGER people_search_au;
DROP TRIGGER people_search_ad;
DROP TRIGGER people_search_ai;
DROP TABLE people_search;
CREATE VIRTUAL TABLE people_search USING fts5(name_first_name, name_last_name, emails_primary_email, whop_username, whop_user_id, content='people', content_rowid='seq', tokenize='trigram');
-- +goose StatementBegin
CREATE TRIGGER people_search_ai AFTER INSERT ON people BEGIN
    INSERT INTO people_search (rowid, name_first_name, name_last_name, emails_primary_email, whop_username, whop_user_id) VALUES (new.seq, new.name_first_name, new.name_last_name, new.emails_primary_email, new.whop_username, new.whop_user_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER people_search_ad AFTER DELETE ON people BEGIN
    INSERT INTO people_search (people_search, rowid, name_first_name, name_last_name, emails_primary_email, whop_username, whop_user_id) VALUES ('delete', old.seq, old.name_first_name, old.name_last_name, old.emails_primary_email, old.whop_username, old.whop_user_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER people_search_au AFTER UPDATE OF name_first_name, name_last_name, emails_primary_email, whop_username, whop_user_id ON people BEGIN
    INSERT INTO people_search (people_search, rowid, name_first_name, name_last_name, emails_primary_email, whop_username, whop_user_id) VALUES ('delete', old.seq, old.name_first_name, old.name_last_name, old.emails_primary_email, old.whop_username, old.whop_user_id);
    INSERT INTO people_search (rowid, name_first_name, name_last_name, emails_primary_email, whop_username, whop_user_id) VALUES (new.seq, new.name_first_name, new.name_last_name, new.emails_primary_email, new.whop_username, new.whop_user_id);
END;
-- +goose StatementEnd
INSERT INTO people_search (people_search) VALUES ('rebuild');
DROP TRIGGER opportunities_search_au;
DROP TRIGGER opportunities_search_ad;
DROP TRIGGER opportunities_search_ai;
DROP TABLE opportunities_search;
CREATE VIRTUAL TABLE opportunities_search USING fts5(name, whop_membership_id, content='opportunities', content_rowid='seq', tokenize='trigram');
-- +goose StatementBegin
CREATE TRIGGER opportunities_search_ai AFTER INSERT ON opportunities BEGIN
    INSERT INTO opportunities_search (rowid, name, whop_membership_id) VALUES (new.seq, new.name, new.whop_membership_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER opportunities_search_ad AFTER DELETE ON opportunities BEGIN
    INSERT INTO opportunities_search (opportunities_search, rowid, name, whop_membership_id) VALUES ('delete', old.seq, old.name, old.whop_membership_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER opportunities_search_au AFTER UPDATE OF name, whop_membership_id ON opportunities BEGIN
    INSERT INTO opportunities_search (opportunities_search, rowid, name, whop_membership_id) VALUES ('delete', old.seq, old.name, old.whop_membership_id);
    INSERT INTO opportunities_search (rowid, name, whop_membership_id) VALUES (new.seq, new.name, new.whop_membership_id);
END;
-- +goose StatementEnd
INSERT INTO opportunities_search (opportunities_search) VALUES ('rebuild');
ALTER TABLE whop_memberships ADD COLUMN user_email TEXT NOT NULL DEFAULT '';
-- Until a membership next changes, its person's email is the best guess.
UPDATE whop_memberships SET user_email = COALESCE((SELECT lower(emails_primary_email) FROM people WHERE people.id = whop_memberships.person_id), '');
CREATE INDEX whop_memberships_person_idx ON whop_memberships (workspace_id, person_id);

-- +goose Down
DROP INDEX whop_memberships_person_idx;
ALTER TABLE whop_memberships DROP COLUMN user_email;
DROP TRIGGER people_search_au;
DROP TRIGGER people_search_ad;
DROP TRIGGER people_search_ai;
DROP TABLE people_search;
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
DROP TRIGGER opportunities_search_au;
DROP TRIGGER opportunities_search_ad;
DROP TRIGGER opportunities_search_ai;
DROP TABLE opportunities_search;
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
