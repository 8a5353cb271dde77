package web

import (
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/webhooks"
)

type webhookCreatedData struct {
	Webhook *webhooks.Webhook
	Secret  string
}

// webhookCreate adds a webhook and shows its signing secret on this
// response only; afterwards only its sealed copy exists.
func (u *UI) webhookCreate(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.webhooksService()
	if err != nil {
		return err
	}
	form := webhookForm{
		TargetURL: strings.TrimSpace(r.PostFormValue("targetUrl")), Operations: r.PostFormValue("operations"),
		Description: strings.TrimSpace(r.PostFormValue("description")), Enabled: true,
	}
	hook, err := svc.Create(r.Context(), auth.PrincipalFrom(r.Context()), webhooks.CreateParams{
		TargetURL: form.TargetURL, Operations: splitOperations(form.Operations), Description: form.Description,
	})
	if err != nil {
		errs, ok := settingsFormErrors(err, webhookFields, "targetUrl")
		if !ok {
			return err
		}
		d, derr := u.webhooksData(r)
		if derr != nil {
			return derr
		}
		d.Form, d.Errors = form, errs
		w.WriteHeader(http.StatusBadRequest)
		return u.render(w, r, "webhooks", "Webhooks · Settings", d)
	}
	return u.render(w, r, "webhook_created", "Webhook created · Settings", webhookCreatedData{Webhook: hook, Secret: hook.Secret.Reveal()})
}
