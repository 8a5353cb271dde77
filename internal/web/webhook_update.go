package web

import (
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/webhooks"
)

// webhookUpdate saves the edit form: target, events, description and the
// enabled switch (enabling clears the failure record).
func (u *UI) webhookUpdate(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.webhooksService()
	if err != nil {
		return err
	}
	form := webhookForm{
		TargetURL: strings.TrimSpace(r.PostFormValue("targetUrl")), Operations: r.PostFormValue("operations"),
		Description: strings.TrimSpace(r.PostFormValue("description")), Enabled: r.PostFormValue("enabled") == "on",
	}
	hook, err := svc.Update(r.Context(), auth.PrincipalFrom(r.Context()), r.PathValue("id"), webhooks.UpdateParams{
		TargetURL: &form.TargetURL, Operations: splitOperations(form.Operations), Description: &form.Description, Enabled: &form.Enabled,
	})
	if err != nil {
		errs, ok := settingsFormErrors(err, webhookFields, "targetUrl")
		if !ok {
			return err
		}
		d, derr := u.webhookShowData(r)
		if derr != nil {
			return derr
		}
		d.Form, d.Errors = form, errs
		w.WriteHeader(http.StatusBadRequest)
		return u.render(w, r, "webhook_show", "Webhook · Settings", d)
	}
	return u.redirect(w, r, "/settings/webhooks/"+hook.ID, "Webhook saved.")
}
