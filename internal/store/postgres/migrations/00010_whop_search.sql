-- Search by Whop identifiers: trigram indexes on the Whop username and
-- user ID of people and the membership ID of opportunities, and each
-- membership keeps the email Whop gave for its user (found by search even
-- when the person's own email differs).
-- +goose Up
CREATE INDEX people_whop_username_trgm ON people USING gin (whop_username gin_trgm_ops);
CREATE INDEX people_whop_user_id_trgm ON people USING gin (whop_user_id gin_trgm_ops);
CREATE INDEX opportunities_whop_membership_id_trgm ON opportunities USING gin (whop_membership_id gin_trgm_ops);
ALTER TABLE whop_memberships ADD COLUMN user_email TEXT NOT NULL DEFAULT '';
-- Until a membership next changes, its person's email is the best guess.
UPDATE whop_memberships SET user_email = COALESCE((SELECT lower(emails_primary_email) FROM people WHERE people.id = whop_memberships.person_id), '');
CREATE INDEX whop_memberships_person_idx ON whop_memberships (workspace_id, person_id);

-- +goose Down
DROP INDEX whop_memberships_person_idx;
ALTER TABLE whop_memberships DROP COLUMN user_email;
DROP INDEX opportunities_whop_membership_id_trgm;
DROP INDEX people_whop_user_id_trgm;
DROP INDEX people_whop_username_trgm;
