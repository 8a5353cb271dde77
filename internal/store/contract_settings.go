package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ContractSettings are a workspace's Settings -> Contracts. The seal key
// and the provider credentials are sealed by the contracts service.
type ContractSettings struct {
	WorkspaceID          string
	Provider             string
	SignedStage          string
	ConsentText          string
	ConsentVersion       string
	SealCertificate      string
	SealKeySealed        string
	ProviderConfigSealed string
	UpdatedAt            time.Time
}

// ContractSettingsGet returns the workspace's settings, or nil when it has
// none yet. q may be a transaction.
func (s *Store) ContractSettingsGet(ctx context.Context, q Querier, workspaceID string) (*ContractSettings, error) {
	if q == nil {
		q = s.Read
	}
	c := &ContractSettings{}
	err := q.QueryRowContext(ctx, `SELECT workspace_id, provider, signed_stage, consent_text, consent_version, seal_certificate,
seal_key_sealed, provider_config_sealed, updated_at FROM contract_settings WHERE workspace_id = $1`, workspaceID).Scan(
		&c.WorkspaceID, &c.Provider, &c.SignedStage, &c.ConsentText, &c.ConsentVersion, &c.SealCertificate, &c.SealKeySealed,
		&c.ProviderConfigSealed, TimeScanner{&c.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: get contract settings: %w", err)
	}
	return c, nil
}

// ContractSettingsSave writes the workspace's settings.
func (s *Store) ContractSettingsSave(ctx context.Context, tx *sql.Tx, c *ContractSettings) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO contract_settings (workspace_id, provider, signed_stage, consent_text, consent_version,
seal_certificate, seal_key_sealed, provider_config_sealed, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (workspace_id) DO UPDATE SET provider = excluded.provider, signed_stage = excluded.signed_stage,
consent_text = excluded.consent_text, consent_version = excluded.consent_version, seal_certificate = excluded.seal_certificate,
seal_key_sealed = excluded.seal_key_sealed, provider_config_sealed = excluded.provider_config_sealed, updated_at = excluded.updated_at`,
		c.WorkspaceID, c.Provider, c.SignedStage, c.ConsentText, c.ConsentVersion, c.SealCertificate, c.SealKeySealed,
		c.ProviderConfigSealed, s.Dialect.Time(c.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: save contract settings: %w", err)
	}
	return nil
}
