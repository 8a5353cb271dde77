-- The audit log becomes workspace-wide (issue 7, item 15): besides the Whop
-- integration's events it records who changed members, API keys, invites and
-- settings, exports and backups, and sign-ins from new places.
--
-- actor_kind says what actor_id names: a workspace member ('member'), an API
-- key ('api_key'), or nothing ('system': the integration, the CLI, a job).
-- It replaces actor_source, which held the createdBy source of the record
-- APIs; rows written before carried the user's ID, turned here into the
-- member's so one filter (actorId) finds everything a member did.
-- target_* name what the action was done to; ip and user_agent are the
-- request's, empty for work that no request started.
--
-- sign_in_places is what "a sign-in from a new place" is decided against:
-- per user, a SHA-256 of (user, network prefix, browser family), never the
-- address or the user-agent themselves (see internal/audit/place.go).
-- +goose Up
ALTER TABLE audit_log ADD COLUMN actor_kind TEXT NOT NULL DEFAULT 'system' CHECK (actor_kind IN ('member', 'api_key', 'system'));
ALTER TABLE audit_log ADD COLUMN target_type TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN target_id TEXT;
ALTER TABLE audit_log ADD COLUMN target_label TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN ip TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
UPDATE audit_log SET actor_kind = CASE actor_source WHEN 'MANUAL' THEN 'member' WHEN 'API' THEN 'api_key' ELSE 'system' END;
UPDATE audit_log SET actor_id = (SELECT m.id FROM workspace_members m WHERE m.workspace_id = audit_log.workspace_id AND m.user_id = audit_log.actor_id)
    WHERE actor_kind = 'member' AND actor_id IS NOT NULL;
ALTER TABLE audit_log DROP COLUMN actor_source;
DROP INDEX audit_log_ws_idx;
CREATE INDEX audit_log_ws_at_idx ON audit_log (workspace_id, at, id);
CREATE INDEX audit_log_ws_action_idx ON audit_log (workspace_id, action, at, id);
CREATE INDEX audit_log_ws_actor_idx ON audit_log (workspace_id, actor_id, at, id);

CREATE TABLE sign_in_places (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    place TEXT NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, place)
);
CREATE INDEX sign_in_places_seen_idx ON sign_in_places (last_seen_at);

-- +goose Down
DROP TABLE sign_in_places;
DROP INDEX audit_log_ws_actor_idx;
DROP INDEX audit_log_ws_action_idx;
DROP INDEX audit_log_ws_at_idx;
CREATE INDEX audit_log_ws_idx ON audit_log (workspace_id, at);
ALTER TABLE audit_log ADD COLUMN actor_source TEXT NOT NULL DEFAULT '';
UPDATE audit_log SET actor_source = CASE actor_kind WHEN 'member' THEN 'MANUAL' WHEN 'api_key' THEN 'API' ELSE 'SYSTEM' END;
UPDATE audit_log SET actor_id = (SELECT m.user_id FROM workspace_members m WHERE m.workspace_id = audit_log.workspace_id AND m.id = audit_log.actor_id)
    WHERE actor_kind = 'member' AND actor_id IS NOT NULL;
UPDATE audit_log SET actor_id = NULL WHERE actor_kind = 'api_key';
ALTER TABLE audit_log DROP COLUMN user_agent;
ALTER TABLE audit_log DROP COLUMN ip;
ALTER TABLE audit_log DROP COLUMN target_label;
ALTER TABLE audit_log DROP COLUMN target_id;
ALTER TABLE audit_log DROP COLUMN target_type;
ALTER TABLE audit_log DROP COLUMN actor_kind;
