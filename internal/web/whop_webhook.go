package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
)

// whopWebhookRecreate has Roster register the workspace's webhook at Whop
// again (admins): a new secret, the old webhook deleted. Whop's refusal is
// shown next to the button.
func (u *UI) whopWebhookRecreate(w http.ResponseWriter, r *http.Request) error {
	if u.cfg.Whop == nil {
		return u.whopOff()
	}
	if _, err := u.cfg.Whop.RecreateWebhook(r.Context(), auth.PrincipalFrom(r.Context())); err != nil {
		errs, ok := settingsFormErrors(err, map[string]string{"webhook": "webhook"}, "webhook")
		if !ok {
			return err
		}
		return u.whopRender(w, r, http.StatusBadRequest, func(d *whopData) { d.Errors = errs })
	}
	return u.redirect(w, r, "/settings/integrations/whop", "Webhook created at Whop. Its secret is stored for this workspace.")
}

// whopWebhookSecret stores a webhook secret pasted from Whop's dashboard
// (admins), the fallback when Roster cannot make the webhook itself. The
// secret is never echoed back into the form.
func (u *UI) whopWebhookSecret(w http.ResponseWriter, r *http.Request) error {
	if u.cfg.Whop == nil {
		return u.whopOff()
	}
	if _, err := u.cfg.Whop.SetWebhookSecret(r.Context(), auth.PrincipalFrom(r.Context()), r.PostFormValue("webhook_secret")); err != nil {
		errs, ok := settingsFormErrors(err, map[string]string{"webhookSecret": "paste_webhook_secret"}, "paste_webhook_secret")
		if !ok {
			return err
		}
		return u.whopRender(w, r, http.StatusBadRequest, func(d *whopData) { d.Errors = errs })
	}
	return u.redirect(w, r, "/settings/integrations/whop", "Webhook secret saved for this workspace.")
}
