package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
)

// webhookDeleteConfirm asks before deleting a webhook.
func (u *UI) webhookDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.webhooksService()
	if err != nil {
		return err
	}
	hook, err := svc.Get(r.Context(), auth.PrincipalFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.render(w, r, "webhook_delete", "Delete webhook · Settings", hook)
}

// webhookDelete deletes a webhook with its delivery log.
func (u *UI) webhookDelete(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.webhooksService()
	if err != nil {
		return err
	}
	hook, err := svc.Delete(r.Context(), auth.PrincipalFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.redirect(w, r, "/settings/webhooks", "Webhook to "+hook.TargetURL+" deleted.")
}
