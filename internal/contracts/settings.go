package contracts

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// DefaultConsentText is the ESIGN/UETA consumer disclosure a signer
// accepts before signing, unless Settings -> Contracts replaces it. It
// states what 15 U.S.C. 7001(c) asks to be told before consenting.
const DefaultConsentText = `By checking the box below you agree to use electronic records and signatures for this document and confirm that:

- Your electronic signature has the same legal effect as a handwritten signature.
- This consent covers this document only. You may withdraw it before signing by declining to sign; withdrawing has no fee, and you may then ask the sender for a paper copy to sign by hand.
- You can get a paper copy of the signed document, free of charge, by asking the sender, and you can download it from the link you will receive.
- To update your email address, contact the sender.
- You need a current web browser and the ability to open PDF files; you will get a copy of the signed document by email link.`

// DefaultSignedStage is where a signed contract moves its opportunity.
const DefaultSignedStage = "CUSTOMER"

// Settings are a workspace's Settings -> Contracts, as admins see them.
type Settings struct {
	Provider       string
	SignedStage    string
	ConsentText    string
	ConsentVersion string
	// SealCertificate is the PEM certificate PDFs are sealed with (empty
	// until the first seal, when one is generated).
	SealCertificate string
	// ConfiguredCertificate reports that the server's configured
	// certificate is used instead of the workspace's own.
	ConfiguredCertificate bool
}

// consentVersion names a consent text by its content, so the version a
// signer accepted always identifies the words they saw.
func consentVersion(text string) string {
	sum := sha256.Sum256([]byte(text))
	return "sha256:" + hex.EncodeToString(sum[:6])
}

func (s *Service) settingsTx(ctx context.Context, q store.Querier, workspaceID string) (*store.ContractSettings, error) {
	st, err := s.cfg.Store.ContractSettingsGet(ctx, q, workspaceID)
	if err != nil {
		return nil, err
	}
	if st == nil {
		st = &store.ContractSettings{WorkspaceID: workspaceID, Provider: s.cfg.DefaultProvider, SignedStage: DefaultSignedStage}
	}
	if st.ConsentText == "" {
		st.ConsentText = DefaultConsentText
		st.ConsentVersion = consentVersion(DefaultConsentText)
	}
	return st, nil
}

// Settings returns the workspace's contract settings.
func (s *Service) Settings(ctx context.Context, workspaceID string) (*Settings, error) {
	st, err := s.settingsTx(ctx, nil, workspaceID)
	if err != nil {
		return nil, err
	}
	out := &Settings{Provider: st.Provider, SignedStage: st.SignedStage, ConsentText: st.ConsentText,
		ConsentVersion: st.ConsentVersion, SealCertificate: st.SealCertificate}
	if len(s.cfg.SealCertificatePEM) > 0 && len(s.cfg.SealKeyPEM) > 0 {
		out.SealCertificate, out.ConfiguredCertificate = string(s.cfg.SealCertificatePEM), true
	}
	return out, nil
}

// SettingsInput changes Settings -> Contracts; nil leaves a value as is.
type SettingsInput struct {
	Provider    *string
	SignedStage *string
	ConsentText *string
}

// UpdateSettings changes the workspace's contract settings (admins only;
// the surface checks the role).
func (s *Service) UpdateSettings(ctx context.Context, workspaceID string, in SettingsInput) (*Settings, error) {
	err := s.cfg.Store.InTx(ctx, func(tx *sql.Tx) error {
		st, err := s.settingsTx(ctx, tx, workspaceID)
		if err != nil {
			return err
		}
		if in.Provider != nil {
			if !slices.Contains(Providers, *in.Provider) {
				return crm.Invalid("provider", crm.CodeInvalidEnum, "provider %q is not one of %s", *in.Provider, strings.Join(Providers, ", "))
			}
			if *in.Provider != ProviderBuiltin && s.cfg.Providers[*in.Provider] == nil {
				return crm.Invalid("provider", crm.CodeInvalidValue, "provider %q is not configured on this server (ESIGN_PROVIDER and its credentials)", *in.Provider)
			}
			st.Provider = *in.Provider
		}
		if in.SignedStage != nil {
			if !slices.Contains(crm.DefaultStages, *in.SignedStage) {
				return crm.Invalid("signedStage", crm.CodeInvalidEnum, "stage %q is not one of %s", *in.SignedStage, strings.Join(crm.DefaultStages, ", "))
			}
			st.SignedStage = *in.SignedStage
		}
		if in.ConsentText != nil {
			text := strings.TrimSpace(*in.ConsentText)
			if text == "" || utf8.RuneCountInString(text) > 20000 {
				return crm.Invalid("consentText", crm.CodeInvalidValue, "must be 1 to 20000 characters")
			}
			st.ConsentText, st.ConsentVersion = text, consentVersion(text)
		}
		st.UpdatedAt = s.now()
		return s.cfg.Store.ContractSettingsSave(ctx, tx, st)
	})
	if err != nil {
		return nil, err
	}
	return s.Settings(ctx, workspaceID)
}
