-- Contracts and e-signature (issue 10).
--
-- A contract template is markdown with merge fields, its signer roles and
-- the fields each role fills; contract_template_versions keeps every version
-- a contract was sent from (saving a template that was used makes a new
-- version, so a sent contract always names the text it was made from).
--
-- A contract holds the merged text it was sent with (document), which never
-- changes after sending; the PDFs live in attachments (Twenty's attachment
-- object): the original sent to the signers and the sealed, signed one.
-- Files are kept in the database (content) so every replica serves them.
--
-- A signer's link is a random token: token_hash (SHA-256, hex) finds the
-- signer, token_sealed lets an admin read the link again (sealed under
-- ROSTER_ENCRYPTION_KEY like every other secret). token_used_at marks the
-- link spent. values holds what the signer entered (fields, the signature
-- image or typed name) and is stamped into the final PDF.
--
-- contract_events is the audit trail: every state change with its time,
-- address and user agent; the certificate page lists them.
--
-- contract_settings is a workspace's Settings -> Contracts: the provider,
-- the stage a signed contract moves its opportunity to, the consent text and
-- its version, the seal certificate (key sealed) and provider credentials
-- (sealed JSON).
-- +goose Up
CREATE TABLE contract_templates (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX contract_templates_ws_idx ON contract_templates (workspace_id, name, id);

CREATE TABLE contract_template_versions (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    template_id TEXT NOT NULL REFERENCES contract_templates(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    signer_roles TEXT NOT NULL,
    fields TEXT NOT NULL,
    used BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (template_id, version)
);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    file_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    person_id TEXT,
    company_id TEXT,
    opportunity_id TEXT,
    contract_id TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_ws_person_idx ON attachments (workspace_id, person_id);
CREATE INDEX attachments_ws_company_idx ON attachments (workspace_id, company_id);
CREATE INDEX attachments_ws_opportunity_idx ON attachments (workspace_id, opportunity_id);
CREATE INDEX attachments_ws_contract_idx ON attachments (workspace_id, contract_id);
CREATE INDEX attachments_ws_sha_idx ON attachments (workspace_id, sha256);

CREATE TABLE contracts (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    template_id TEXT REFERENCES contract_templates(id) ON DELETE SET NULL,
    template_version INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('DRAFT', 'SENT', 'VIEWED', 'PARTIALLY_SIGNED', 'SIGNED', 'DECLINED', 'EXPIRED', 'VOIDED')),
    provider TEXT NOT NULL,
    provider_request_id TEXT,
    person_id TEXT,
    company_id TEXT,
    opportunity_id TEXT,
    message TEXT NOT NULL DEFAULT '',
    document TEXT NOT NULL,
    fields TEXT NOT NULL,
    consent_version TEXT NOT NULL DEFAULT '',
    original_sha256 TEXT NOT NULL DEFAULT '',
    final_sha256 TEXT NOT NULL DEFAULT '',
    original_attachment_id TEXT,
    signed_attachment_id TEXT,
    void_reason TEXT NOT NULL DEFAULT '',
    stage_moved BOOLEAN NOT NULL DEFAULT FALSE,
    sent_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ,
    last_reminded_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX contracts_ws_idx ON contracts (workspace_id, created_at, id);
CREATE INDEX contracts_ws_status_idx ON contracts (workspace_id, status, expires_at);
CREATE INDEX contracts_ws_opportunity_idx ON contracts (workspace_id, opportunity_id);
CREATE INDEX contracts_ws_person_idx ON contracts (workspace_id, person_id);
CREATE UNIQUE INDEX contracts_provider_request_uq ON contracts (provider, provider_request_id);

CREATE TABLE contract_signers (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    signing_order INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('PENDING', 'SENT', 'VIEWED', 'SIGNED', 'DECLINED')),
    provider_signer_id TEXT NOT NULL DEFAULT '',
    token_hash TEXT,
    token_sealed TEXT NOT NULL DEFAULT '',
    token_used_at TIMESTAMPTZ,
    consent_version TEXT NOT NULL DEFAULT '',
    consent_at TIMESTAMPTZ,
    signature_method TEXT NOT NULL DEFAULT '',
    field_values TEXT NOT NULL DEFAULT '{}',
    sent_at TIMESTAMPTZ,
    viewed_at TIMESTAMPTZ,
    signed_at TIMESTAMPTZ,
    declined_at TIMESTAMPTZ,
    decline_reason TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contract_signers_contract_idx ON contract_signers (workspace_id, contract_id, signing_order);
CREATE UNIQUE INDEX contract_signers_token_uq ON contract_signers (token_hash);

CREATE TABLE contract_events (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    signer_id TEXT,
    type TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contract_events_contract_idx ON contract_events (workspace_id, contract_id, at, id);

CREATE TABLE contract_settings (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    provider TEXT NOT NULL DEFAULT 'builtin',
    signed_stage TEXT NOT NULL DEFAULT 'CUSTOMER',
    consent_text TEXT NOT NULL DEFAULT '',
    consent_version TEXT NOT NULL DEFAULT '',
    seal_certificate TEXT NOT NULL DEFAULT '',
    seal_key_sealed TEXT NOT NULL DEFAULT '',
    provider_config_sealed TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE contract_settings;
DROP TABLE contract_events;
DROP TABLE contract_signers;
DROP TABLE contracts;
DROP TABLE attachments;
DROP TABLE contract_template_versions;
DROP TABLE contract_templates;
