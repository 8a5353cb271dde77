-- Workspace-wide timeline reads (the dashboard's recent activity and churn
-- count) by time, and by activity name and time.
-- +goose Up
CREATE INDEX timeline_ws_happens_idx ON timeline_activities (workspace_id, happens_at);
CREATE INDEX timeline_ws_name_happens_idx ON timeline_activities (workspace_id, name, happens_at);

-- +goose Down
DROP INDEX timeline_ws_name_happens_idx;
DROP INDEX timeline_ws_happens_idx;
