-- AI automations (issue 9).
--
-- ai_settings is a workspace admin's override of the server's AI
-- configuration: provider, model and API key (api_key_sealed, sealed under
-- ROSTER_ENCRYPTION_KEY and bound to the workspace; never shown again), the
-- monthly budget in micro-USD (NULL: none), the rate limit in calls per
-- minute (0: the default) and whether emails and phone numbers are redacted
-- before a cloud call.
--
-- ai_prompt_templates holds every version of a workspace's prompt
-- templates: saving makes a new (id, version) row, so a usage row's
-- template_id and template_version always name the text that was sent.
--
-- ai_usage is the ledger: one row per provider call, successful or not,
-- with tokens, cost (NULL for a model without a price, never 0), latency
-- and status. The budget check sums cost_micros over the current month.
-- +goose Up
CREATE TABLE ai_settings (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    provider TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    api_key_sealed TEXT NOT NULL DEFAULT '',
    monthly_budget_micros INTEGER,
    rate_per_minute INTEGER NOT NULL DEFAULT 0,
    redact_pii INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);

CREATE TABLE ai_prompt_templates (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    name TEXT NOT NULL,
    system_prompt TEXT NOT NULL,
    user_prompt TEXT NOT NULL,
    model TEXT NOT NULL DEFAULT '',
    temperature REAL,
    max_tokens INTEGER NOT NULL DEFAULT 0,
    created_by TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE INDEX ai_prompt_templates_workspace_idx ON ai_prompt_templates (workspace_id, action, id, version);

CREATE TABLE ai_usage (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    user_id TEXT,
    workflow_run_id TEXT,
    action TEXT NOT NULL,
    template_id TEXT NOT NULL DEFAULT '',
    template_version INTEGER NOT NULL DEFAULT 0,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    cached_input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cost_micros INTEGER,
    latency_ms INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('SUCCESS', 'ERROR', 'REFUSED', 'TRUNCATED', 'BUDGET_EXCEEDED', 'RATE_LIMITED')),
    error_code TEXT NOT NULL DEFAULT '',
    redactions INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ai_usage_workspace_idx ON ai_usage (workspace_id, created_at, id);

-- +goose Down
DROP TABLE ai_usage;
DROP TABLE ai_prompt_templates;
DROP TABLE ai_settings;
