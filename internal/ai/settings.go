package ai

import (
	"context"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// Settings is what Settings -> AI shows: the workspace's overrides and
// what its calls run with. The API key is never shown again: only whether
// one is set (and its last four characters, to tell keys apart).
type Settings struct {
	// Provider and Model are the workspace's overrides ("" keeps the
	// server's configuration).
	Provider string
	Model    string
	HasKey   bool
	KeyHint  string
	// EffectiveProvider and EffectiveModel are what calls use now.
	EffectiveProvider string
	EffectiveModel    string
	// MonthlyBudgetMicros is nil when there is no budget.
	MonthlyBudgetMicros *int64
	RatePerMinute       int
	RedactPII           bool
}

// Settings returns the workspace's AI settings.
func (s *Service) Settings(ctx context.Context, ws string) (*Settings, error) {
	st, err := s.store.AISettingsGet(ctx, ws)
	if err != nil {
		return nil, err
	}
	e, err := s.effective(ctx, ws)
	if err != nil {
		return nil, err
	}
	out := &Settings{EffectiveProvider: e.provider, EffectiveModel: e.model, RatePerMinute: e.ratePerMinute, RedactPII: e.redact}
	if e.provider == ProviderOffline {
		out.EffectiveModel = "lexicon-v1, rules-v1, textrank-v1, template-v1, render-only"
	}
	if st != nil {
		out.Provider, out.Model, out.MonthlyBudgetMicros = st.Provider, st.Model, st.MonthlyBudgetMicros
		if st.APIKeySealed != "" {
			out.HasKey = true
			if k, err := s.openKey(ws, st.APIKeySealed); err == nil && len(k) >= 8 {
				out.KeyHint = "…" + k[len(k)-4:]
			}
		}
	}
	return out, nil
}

// SettingsInput changes the workspace's AI settings; nil fields stay as
// they are. APIKey "" removes the workspace's key; MonthlyBudgetMicros 0
// removes the budget; RatePerMinute 0 restores the default.
type SettingsInput struct {
	Provider            *string
	Model               *string
	APIKey              *string
	MonthlyBudgetMicros *int64
	RatePerMinute       *int
	RedactPII           *bool
}

// UpdateSettings validates and saves the workspace's AI settings. The key
// is sealed under ROSTER_ENCRYPTION_KEY, bound to the workspace. Callers
// check that the caller is an admin.
func (s *Service) UpdateSettings(ctx context.Context, ws string, in SettingsInput) (*Settings, error) {
	st, err := s.store.AISettingsGet(ctx, ws)
	if err != nil {
		return nil, err
	}
	if st == nil {
		st = &store.AISettings{WorkspaceID: ws, RedactPII: true}
	}
	if in.Provider != nil {
		p := strings.ToLower(strings.TrimSpace(*in.Provider))
		switch p {
		case "", ProviderOpenAI, ProviderAnthropic, ProviderOffline:
		default:
			return nil, crm.Invalid("provider", crm.CodeInvalidEnum, "must be openai, anthropic or offline (empty: the server's setting), got %q", *in.Provider)
		}
		st.Provider = p
	}
	if in.Model != nil {
		m := strings.TrimSpace(*in.Model)
		if len(m) > 100 || strings.ContainsAny(m, " \t\n") {
			return nil, crm.Invalid("model", crm.CodeInvalidValue, "must be a model name without spaces, at most 100 characters")
		}
		st.Model = m
	}
	if in.APIKey != nil {
		k := strings.TrimSpace(*in.APIKey)
		switch {
		case k == "":
			st.APIKeySealed = ""
		case len(k) < 8 || len(k) > 500 || strings.ContainsAny(k, " \t\n"):
			return nil, crm.Invalid("apiKey", crm.CodeInvalidValue, "must be an API key: 8 to 500 characters without spaces")
		case s.cfg.Sealer == nil:
			return nil, crm.Invalid("apiKey", crm.CodeInvalidValue, "cannot be stored: this server has no ROSTER_ENCRYPTION_KEY")
		default:
			sealed, err := s.cfg.Sealer.Seal([]byte(k), keyAD(ws))
			if err != nil {
				return nil, err
			}
			st.APIKeySealed = sealed
		}
	}
	if in.MonthlyBudgetMicros != nil {
		switch b := *in.MonthlyBudgetMicros; {
		case b < 0:
			return nil, crm.Invalid("monthlyBudgetUsd", crm.CodeInvalidValue, "must be 0 (no budget) or more")
		case b == 0:
			st.MonthlyBudgetMicros = nil
		default:
			st.MonthlyBudgetMicros = &b
		}
	}
	if in.RatePerMinute != nil {
		if r := *in.RatePerMinute; r < 0 || r > 10000 {
			return nil, crm.Invalid("ratePerMinute", crm.CodeInvalidValue, "must be from 1 to 10000, or 0 for the default (%d)", DefaultRatePerMinute)
		}
		st.RatePerMinute = *in.RatePerMinute
	}
	if in.RedactPII != nil {
		st.RedactPII = *in.RedactPII
	}
	st.UpdatedAt = s.now()
	if err := s.store.AISettingsPut(ctx, st); err != nil {
		return nil, err
	}
	return s.Settings(ctx, ws)
}

// RotateKeys re-seals every workspace AI key still under an old key with
// the current one (`roster secrets rotate`) and returns how many changed.
func (s *Service) RotateKeys(ctx context.Context) (int, error) {
	if s.cfg.Sealer == nil {
		return 0, nil
	}
	all, err := s.store.AISealedKeys(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range all {
		rotated, err := s.cfg.Sealer.Rotate(a.APIKeySealed, keyAD(a.WorkspaceID))
		if err != nil {
			return n, err
		}
		if rotated == a.APIKeySealed {
			continue
		}
		ok, err := s.store.AISetSealedKey(ctx, a.WorkspaceID, a.APIKeySealed, rotated)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}
