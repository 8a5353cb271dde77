-- Core CRM schema: workspaces and the Twenty-shaped standard objects.
-- +goose Up
CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE companies (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    position REAL NOT NULL DEFAULT 0,
    created_by_source TEXT NOT NULL DEFAULT 'MANUAL',
    created_by_workspace_member_id TEXT,
    created_by_name TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    domain_name_primary_link_url TEXT NOT NULL DEFAULT '',
    domain_name_primary_link_label TEXT NOT NULL DEFAULT '',
    domain_name_secondary_links TEXT,
    domain_key TEXT NOT NULL DEFAULT '',
    employees INTEGER,
    linkedin_link_primary_link_url TEXT NOT NULL DEFAULT '',
    linkedin_link_primary_link_label TEXT NOT NULL DEFAULT '',
    linkedin_link_secondary_links TEXT,
    address_street1 TEXT NOT NULL DEFAULT '',
    address_street2 TEXT NOT NULL DEFAULT '',
    address_city TEXT NOT NULL DEFAULT '',
    address_postcode TEXT NOT NULL DEFAULT '',
    address_state TEXT NOT NULL DEFAULT '',
    address_country TEXT NOT NULL DEFAULT '',
    address_lat REAL,
    address_lng REAL,
    annual_recurring_revenue_amount_micros INTEGER,
    annual_recurring_revenue_currency_code TEXT NOT NULL DEFAULT '',
    ideal_customer_profile INTEGER NOT NULL DEFAULT 0,
    account_owner_id TEXT,
    custom_fields TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE people (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    position REAL NOT NULL DEFAULT 0,
    created_by_source TEXT NOT NULL DEFAULT 'MANUAL',
    created_by_workspace_member_id TEXT,
    created_by_name TEXT NOT NULL DEFAULT '',
    name_first_name TEXT NOT NULL DEFAULT '',
    name_last_name TEXT NOT NULL DEFAULT '',
    emails_primary_email TEXT NOT NULL DEFAULT '',
    emails_additional_emails TEXT,
    phones_primary_phone_number TEXT NOT NULL DEFAULT '',
    phones_primary_phone_country_code TEXT NOT NULL DEFAULT '',
    phones_primary_phone_calling_code TEXT NOT NULL DEFAULT '',
    phones_additional_phones TEXT,
    job_title TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    avatar_url TEXT NOT NULL DEFAULT '',
    linkedin_link_primary_link_url TEXT NOT NULL DEFAULT '',
    linkedin_link_primary_link_label TEXT NOT NULL DEFAULT '',
    linkedin_link_secondary_links TEXT,
    company_id TEXT REFERENCES companies(id) ON DELETE SET NULL,
    whop_user_id TEXT,
    whop_username TEXT NOT NULL DEFAULT '',
    whop_created_at TEXT,
    custom_fields TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE opportunities (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    position REAL NOT NULL DEFAULT 0,
    created_by_source TEXT NOT NULL DEFAULT 'MANUAL',
    created_by_workspace_member_id TEXT,
    created_by_name TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    amount_amount_micros INTEGER,
    amount_currency_code TEXT NOT NULL DEFAULT '',
    close_date TEXT,
    stage TEXT NOT NULL DEFAULT 'NEW',
    point_of_contact_id TEXT REFERENCES people(id) ON DELETE SET NULL,
    company_id TEXT REFERENCES companies(id) ON DELETE SET NULL,
    whop_membership_id TEXT,
    whop_membership_status TEXT NOT NULL DEFAULT '',
    whop_product_id TEXT NOT NULL DEFAULT '',
    whop_plan_id TEXT NOT NULL DEFAULT '',
    whop_renewal_date TEXT,
    whop_cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
    whop_manage_url TEXT NOT NULL DEFAULT '',
    custom_fields TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE notes (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    position REAL NOT NULL DEFAULT 0,
    created_by_source TEXT NOT NULL DEFAULT 'MANUAL',
    created_by_workspace_member_id TEXT,
    created_by_name TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    body_v2_markdown TEXT NOT NULL DEFAULT '',
    body_v2_blocknote TEXT NOT NULL DEFAULT ''
);
CREATE TABLE tasks (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    position REAL NOT NULL DEFAULT 0,
    created_by_source TEXT NOT NULL DEFAULT 'MANUAL',
    created_by_workspace_member_id TEXT,
    created_by_name TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    body_v2_markdown TEXT NOT NULL DEFAULT '',
    body_v2_blocknote TEXT NOT NULL DEFAULT '',
    due_at TEXT,
    status TEXT NOT NULL DEFAULT 'TODO',
    assignee_id TEXT
);
CREATE TABLE note_targets (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    position REAL NOT NULL DEFAULT 0,
    created_by_source TEXT NOT NULL DEFAULT 'MANUAL',
    created_by_workspace_member_id TEXT,
    created_by_name TEXT NOT NULL DEFAULT '',
    note_id TEXT NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    person_id TEXT REFERENCES people(id) ON DELETE CASCADE,
    company_id TEXT REFERENCES companies(id) ON DELETE CASCADE,
    opportunity_id TEXT REFERENCES opportunities(id) ON DELETE CASCADE
);
CREATE TABLE task_targets (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    position REAL NOT NULL DEFAULT 0,
    created_by_source TEXT NOT NULL DEFAULT 'MANUAL',
    created_by_workspace_member_id TEXT,
    created_by_name TEXT NOT NULL DEFAULT '',
    task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    person_id TEXT REFERENCES people(id) ON DELETE CASCADE,
    company_id TEXT REFERENCES companies(id) ON DELETE CASCADE,
    opportunity_id TEXT REFERENCES opportunities(id) ON DELETE CASCADE
);
CREATE TABLE timeline_activities (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    happens_at TEXT NOT NULL,
    name TEXT NOT NULL,
    properties TEXT NOT NULL DEFAULT '{}',
    record_object TEXT NOT NULL,
    record_id TEXT NOT NULL,
    linked_record_object TEXT NOT NULL DEFAULT '',
    linked_record_id TEXT,
    actor_source TEXT NOT NULL DEFAULT 'MANUAL',
    actor_workspace_member_id TEXT,
    actor_name TEXT NOT NULL DEFAULT ''
);
CREATE TABLE field_definitions (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    object TEXT NOT NULL,
    name TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    options TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX people_email_uq ON people (workspace_id, emails_primary_email) WHERE emails_primary_email <> '' AND deleted_at IS NULL;
CREATE UNIQUE INDEX people_whop_user_uq ON people (workspace_id, whop_user_id) WHERE whop_user_id IS NOT NULL;
CREATE INDEX people_ws_id_idx ON people (workspace_id, id);
CREATE INDEX people_ws_updated_idx ON people (workspace_id, updated_at, id);
CREATE INDEX people_ws_created_idx ON people (workspace_id, created_at, id);
CREATE INDEX people_company_idx ON people (company_id);
CREATE UNIQUE INDEX companies_domain_uq ON companies (workspace_id, domain_key) WHERE domain_key <> '' AND deleted_at IS NULL;
CREATE INDEX companies_ws_id_idx ON companies (workspace_id, id);
CREATE INDEX companies_ws_updated_idx ON companies (workspace_id, updated_at, id);
CREATE INDEX companies_ws_name_idx ON companies (workspace_id, name);
CREATE UNIQUE INDEX opportunities_whop_membership_uq ON opportunities (workspace_id, whop_membership_id) WHERE whop_membership_id IS NOT NULL;
CREATE INDEX opportunities_ws_id_idx ON opportunities (workspace_id, id);
CREATE INDEX opportunities_ws_stage_idx ON opportunities (workspace_id, stage, position);
CREATE INDEX opportunities_ws_updated_idx ON opportunities (workspace_id, updated_at, id);
CREATE INDEX opportunities_contact_idx ON opportunities (point_of_contact_id);
CREATE INDEX opportunities_company_idx ON opportunities (company_id);
CREATE INDEX notes_ws_id_idx ON notes (workspace_id, id);
CREATE INDEX tasks_ws_id_idx ON tasks (workspace_id, id);
CREATE INDEX tasks_ws_due_idx ON tasks (workspace_id, due_at);
CREATE INDEX note_targets_note_idx ON note_targets (note_id);
CREATE INDEX note_targets_person_idx ON note_targets (person_id);
CREATE INDEX note_targets_company_idx ON note_targets (company_id);
CREATE INDEX note_targets_opportunity_idx ON note_targets (opportunity_id);
CREATE INDEX task_targets_task_idx ON task_targets (task_id);
CREATE INDEX task_targets_person_idx ON task_targets (person_id);
CREATE INDEX task_targets_company_idx ON task_targets (company_id);
CREATE INDEX task_targets_opportunity_idx ON task_targets (opportunity_id);
CREATE INDEX timeline_record_idx ON timeline_activities (workspace_id, record_object, record_id, happens_at);
CREATE INDEX timeline_linked_idx ON timeline_activities (workspace_id, linked_record_id) WHERE linked_record_id IS NOT NULL;
CREATE UNIQUE INDEX field_definitions_uq ON field_definitions (workspace_id, object, name);

-- +goose Down
DROP TABLE field_definitions;
DROP TABLE timeline_activities;
DROP TABLE task_targets;
DROP TABLE note_targets;
DROP TABLE tasks;
DROP TABLE notes;
DROP TABLE opportunities;
DROP TABLE people;
DROP TABLE companies;
DROP TABLE workspaces;
