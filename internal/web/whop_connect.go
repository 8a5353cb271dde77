package web

import (
	"errors"
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/whopsync"
)

// whopConnectKey connects the workspace with a company API key (admins).
// Whop is asked once to check the key; its refusal lands on the field it is
// about. Keys and secrets are never echoed back into the form.
func (u *UI) whopConnectKey(w http.ResponseWriter, r *http.Request) error {
	if u.cfg.Whop == nil {
		return u.whopOff()
	}
	company := r.PostFormValue("company_id")
	_, err := u.cfg.Whop.ConnectAPIKey(r.Context(), auth.PrincipalFrom(r.Context()), whopsync.ConnectAPIKeyParams{
		APIKey: r.PostFormValue("api_key"), CompanyID: company, WebhookSecret: r.PostFormValue("webhook_secret")})
	if err != nil {
		errs, ok := settingsFormErrors(err, map[string]string{"apiKey": "api_key", "companyId": "company_id_key", "webhookSecret": "webhook_secret"}, "api_key")
		if !ok {
			return err
		}
		return u.whopRender(w, r, http.StatusBadRequest, func(d *whopData) { d.Errors, d.CompanyID = errs, company })
	}
	return u.redirect(w, r, "/settings/integrations/whop", "Connected to Whop. The first sync has started.")
}

// whopMapping saves which opportunity stage each membership status maps to
// (admins).
func (u *UI) whopMapping(w http.ResponseWriter, r *http.Request) error {
	if u.cfg.Whop == nil {
		return u.whopOff()
	}
	p := auth.PrincipalFrom(r.Context())
	st, err := u.cfg.Whop.Status(r.Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	m := map[string]string{}
	for status := range st.StageMapping {
		if v := r.PostFormValue("stage_" + status); v != "" {
			m[status] = v
		}
	}
	if _, err := u.cfg.Whop.SetStageMapping(r.Context(), p, m); err != nil {
		errs, ok := settingsFormErrors(err, nil, "mapping")
		if !ok {
			return err
		}
		return u.whopRender(w, r, http.StatusBadRequest, func(d *whopData) { d.Errors = errs })
	}
	return u.redirect(w, r, "/settings/integrations/whop", "Stage mapping saved. It applies to memberships as they change.")
}

// whopDisconnect disconnects the workspace (admins) once the admin typed
// DISCONNECT: credentials and secrets are deleted, synced records stay.
func (u *UI) whopDisconnect(w http.ResponseWriter, r *http.Request) error {
	if u.cfg.Whop == nil {
		return u.whopOff()
	}
	if confirm := r.PostFormValue("confirm"); confirm != "DISCONNECT" {
		return u.whopRender(w, r, http.StatusBadRequest, func(d *whopData) {
			d.Confirm, d.Errors = confirm, map[string]string{"confirm": "Type DISCONNECT in capitals to confirm."}
		})
	}
	if _, err := u.cfg.Whop.Disconnect(r.Context(), auth.PrincipalFrom(r.Context())); err != nil {
		return err
	}
	return u.redirect(w, r, "/settings/integrations/whop", "Disconnected from Whop. Synced records stay in Roster.")
}

// whopTestEvent sends a signed test event through the workspace's webhook
// intake and says whether it was accepted.
func (u *UI) whopTestEvent(w http.ResponseWriter, r *http.Request) error {
	if u.cfg.Whop == nil {
		return u.whopOff()
	}
	err := u.cfg.Whop.SendTestEvent(r.Context(), auth.PrincipalFrom(r.Context()).WorkspaceID)
	var refused *whopsync.TestEventRefused
	switch {
	case err == nil:
		return u.redirect(w, r, "/settings/integrations/whop", "Test event accepted: the webhook endpoint verified the signature and stored the event.")
	case errors.As(err, &refused):
		return u.redirect(w, r, "/settings/integrations/whop", "Test event refused: "+refused.Message())
	}
	if errs, ok := settingsFormErrors(err, nil, "test"); ok {
		return u.redirect(w, r, "/settings/integrations/whop", "Test event not sent: "+errs["test"])
	}
	return err
}
