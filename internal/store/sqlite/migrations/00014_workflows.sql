-- Workflow automations (issue 8), in Twenty's shapes: a workflow has
-- versions (a trigger and a list of steps, at most one ACTIVE per workflow)
-- and runs. A run's state is the JSON {flow, stepInfos, workflowRunError};
-- progress is the engine's own bookkeeping (which steps remain, retries),
-- kept apart so the state stays Twenty's shape.
--
-- Exactly one run per triggering event and version: event_key is unique per
-- version (a domain event ID, "cron:<tick>", a Whop event ID), so a
-- redelivered event or a second replica inserts nothing. lease_until is held
-- by the worker executing a run (a run whose lease expired after a crash is
-- recovered); wake_at is when a delayed or retried run continues; revision
-- makes each save conditional on the state the worker read.
-- +goose Up
CREATE TABLE workflows (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    last_published_version_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX workflows_workspace_idx ON workflows (workspace_id, created_at, id);

CREATE TABLE workflow_versions (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('DRAFT', 'ACTIVE', 'DEACTIVATED', 'ARCHIVED')),
    trigger_spec TEXT,
    steps TEXT NOT NULL DEFAULT '[]',
    trigger_type TEXT NOT NULL DEFAULT '',
    event_name TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX workflow_versions_workflow_idx ON workflow_versions (workspace_id, workflow_id, created_at, id);
CREATE UNIQUE INDEX workflow_versions_active_uq ON workflow_versions (workspace_id, workflow_id) WHERE status = 'ACTIVE';
CREATE INDEX workflow_versions_trigger_idx ON workflow_versions (workspace_id, trigger_type, event_name) WHERE status = 'ACTIVE';

CREATE TABLE workflow_runs (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
    workflow_version_id TEXT NOT NULL REFERENCES workflow_versions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('NOT_STARTED', 'ENQUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'STOPPING', 'STOPPED')),
    enqueued_at TEXT,
    started_at TEXT,
    ended_at TEXT,
    created_by TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL,
    progress TEXT NOT NULL DEFAULT '{}',
    event_key TEXT,
    depth INTEGER NOT NULL DEFAULT 1,
    lease_until TEXT,
    wake_at TEXT,
    revision INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX workflow_runs_workflow_idx ON workflow_runs (workspace_id, workflow_id, created_at, id);
CREATE INDEX workflow_runs_workspace_idx ON workflow_runs (workspace_id, created_at, id);
CREATE UNIQUE INDEX workflow_runs_event_uq ON workflow_runs (workspace_id, workflow_version_id, event_key);
CREATE INDEX workflow_runs_lease_idx ON workflow_runs (workspace_id, lease_until) WHERE lease_until IS NOT NULL;
CREATE INDEX workflow_runs_open_idx ON workflow_runs (workspace_id, status) WHERE status IN ('NOT_STARTED', 'ENQUEUED', 'RUNNING', 'STOPPING');

-- +goose Down
DROP TABLE workflow_runs;
DROP TABLE workflow_versions;
DROP TABLE workflows;
