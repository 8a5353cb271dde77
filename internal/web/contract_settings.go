package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/crm"
)

// contractSettingsPage is Settings -> Contracts (admins): provider, the
// stage a signed contract moves its opportunity to, the consent text, the
// seal certificate.
func (u *UI) contractSettingsPage(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	st, err := u.cfg.Contracts.Settings(r.Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	return u.render(w, r, "contract_settings", "Contracts settings", map[string]any{"Settings": st, "Providers": contracts.Providers, "Stages": crm.DefaultStages})
}

// contractSettingsSave saves Settings -> Contracts.
func (u *UI) contractSettingsSave(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	provider, stage, consent := r.PostFormValue("provider"), r.PostFormValue("signedStage"), r.PostFormValue("consentText")
	_, err := u.cfg.Contracts.UpdateSettings(r.Context(), p.WorkspaceID, contracts.SettingsInput{Provider: &provider, SignedStage: &stage, ConsentText: &consent})
	if err != nil {
		if !isInvalid(err) {
			return err
		}
		cur, gerr := u.cfg.Contracts.Settings(r.Context(), p.WorkspaceID)
		if gerr != nil {
			return gerr
		}
		w.WriteHeader(http.StatusUnprocessableEntity)
		return u.render(w, r, "contract_settings", "Contracts settings", map[string]any{"Settings": cur, "Providers": contracts.Providers,
			"Stages": crm.DefaultStages, "Error": errorMessage(err)})
	}
	return u.redirect(w, r, "/settings/contracts", "Contract settings saved.")
}
