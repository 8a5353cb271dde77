package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/webhooks"
)

// webhookRedeliver queues one more attempt of a delivery and returns to the
// log, where it appears once made.
func (u *UI) webhookRedeliver(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.webhooksService()
	if err != nil {
		return err
	}
	d, err := svc.Redeliver(r.Context(), auth.PrincipalFrom(r.Context()), webhooks.RedeliverParams{DeliveryID: r.PathValue("deliveryID"), WebhookID: r.PathValue("id")})
	if err != nil {
		return err
	}
	return u.redirect(w, r, "/settings/webhooks/"+d.WebhookID, "Redelivery of "+d.EventType+" queued: it shows in the log below once sent.")
}
