-- Whop integration: connections (secrets sealed), OAuth states, sync runs,
-- synced products/plans/payments, the durable webhook inbox, and the audit log.
-- +goose Up
CREATE TABLE whop_connections (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    company_id TEXT NOT NULL,
    handle TEXT NOT NULL DEFAULT '',
    scopes TEXT NOT NULL DEFAULT '',
    access_token_sealed TEXT NOT NULL DEFAULT '',
    refresh_token_sealed TEXT NOT NULL DEFAULT '',
    token_expires_at TEXT,
    webhook_secret_sealed TEXT NOT NULL DEFAULT '',
    needs_reauth INTEGER NOT NULL DEFAULT 0,
    stage_mapping TEXT NOT NULL DEFAULT '{}',
    payments_watermark TEXT,
    last_sync_at TEXT,
    last_sync_status TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE whop_oauth_states (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    session_hash TEXT NOT NULL,
    company_id TEXT NOT NULL DEFAULT '',
    verifier_sealed TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE whop_sync_runs (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    phase TEXT NOT NULL DEFAULT '',
    cursor TEXT NOT NULL DEFAULT '',
    products_count INTEGER NOT NULL DEFAULT 0,
    users_count INTEGER NOT NULL DEFAULT 0,
    memberships_count INTEGER NOT NULL DEFAULT 0,
    payments_count INTEGER NOT NULL DEFAULT 0,
    writes_count INTEGER NOT NULL DEFAULT 0,
    requests_count INTEGER NOT NULL DEFAULT 0,
    errors TEXT NOT NULL DEFAULT '[]',
    payments_since TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE whop_products (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    whop_id TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    visibility TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '{}',
    whop_updated_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE whop_plans (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    whop_id TEXT NOT NULL,
    product_whop_id TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    plan_type TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT '',
    initial_price_micros INTEGER,
    renewal_price_micros INTEGER,
    billing_period_days INTEGER,
    data TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE whop_payments (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    whop_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT '',
    substatus TEXT NOT NULL DEFAULT '',
    amount_micros INTEGER,
    currency TEXT NOT NULL DEFAULT '',
    refunded_micros INTEGER,
    failure_message TEXT NOT NULL DEFAULT '',
    billing_reason TEXT NOT NULL DEFAULT '',
    membership_whop_id TEXT NOT NULL DEFAULT '',
    user_whop_id TEXT NOT NULL DEFAULT '',
    product_whop_id TEXT NOT NULL DEFAULT '',
    person_id TEXT REFERENCES people(id) ON DELETE SET NULL,
    opportunity_id TEXT REFERENCES opportunities(id) ON DELETE SET NULL,
    paid_at TEXT,
    refunded_at TEXT,
    whop_created_at TEXT,
    whop_updated_at TEXT,
    data TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE whop_memberships (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    whop_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT '',
    user_whop_id TEXT NOT NULL DEFAULT '',
    person_id TEXT REFERENCES people(id) ON DELETE SET NULL,
    opportunity_id TEXT REFERENCES opportunities(id) ON DELETE SET NULL,
    whop_updated_at TEXT,
    fingerprint TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE whop_webhook_inbox (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    webhook_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    api_version TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    received_at TEXT NOT NULL,
    processed_at TEXT
);
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    actor_source TEXT NOT NULL DEFAULT '',
    actor_name TEXT NOT NULL DEFAULT '',
    actor_id TEXT,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX whop_connections_company_uq ON whop_connections (company_id);
CREATE INDEX whop_oauth_states_expiry_idx ON whop_oauth_states (expires_at);
CREATE INDEX whop_sync_runs_ws_idx ON whop_sync_runs (workspace_id, created_at);
CREATE UNIQUE INDEX whop_sync_runs_active_uq ON whop_sync_runs (workspace_id) WHERE status IN ('queued', 'running');
CREATE UNIQUE INDEX whop_products_uq ON whop_products (workspace_id, whop_id);
CREATE UNIQUE INDEX whop_plans_uq ON whop_plans (workspace_id, whop_id);
CREATE UNIQUE INDEX whop_payments_uq ON whop_payments (workspace_id, whop_id);
CREATE INDEX whop_payments_person_idx ON whop_payments (workspace_id, person_id);
CREATE INDEX whop_payments_opportunity_idx ON whop_payments (workspace_id, opportunity_id);
CREATE UNIQUE INDEX whop_memberships_uq ON whop_memberships (workspace_id, whop_id);
CREATE UNIQUE INDEX whop_webhook_inbox_uq ON whop_webhook_inbox (workspace_id, webhook_id);
CREATE INDEX whop_webhook_inbox_status_idx ON whop_webhook_inbox (status, received_at);
CREATE INDEX audit_log_ws_idx ON audit_log (workspace_id, at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE whop_webhook_inbox;
DROP TABLE whop_memberships;
DROP TABLE whop_payments;
DROP TABLE whop_plans;
DROP TABLE whop_products;
DROP TABLE whop_sync_runs;
DROP TABLE whop_oauth_states;
DROP TABLE whop_connections;
