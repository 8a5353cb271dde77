package rest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/webhooks"
)

// deliveryJSON renders a delivery with its attempts, newest first.
func deliveryJSON(d *webhooks.Delivery) map[string]any {
	attempts := make([]map[string]any, 0, len(d.Log))
	for _, a := range d.Log {
		attempts = append(attempts, map[string]any{
			"id": a.ID, "attempt": a.Attempt, "manual": a.Manual, "attemptedAt": a.AttemptedAt.Format(time.RFC3339Nano),
			"statusCode": a.StatusCode, "durationMs": a.DurationMS, "success": a.Success, "error": nullableString(a.Error), "response": a.Response,
		})
	}
	return map[string]any{
		"id": d.ID, "webhookId": d.WebhookID, "eventType": d.EventType, "status": strings.ToUpper(d.Status), "attempts": d.Attempts,
		"lastStatusCode": d.LastStatusCode, "lastError": nullableString(d.LastError), "nextAttemptAt": timeJSON(d.NextAttemptAt),
		"createdAt": d.CreatedAt.Format(time.RFC3339Nano), "updatedAt": d.UpdatedAt.Format(time.RFC3339Nano),
		"payload": json.RawMessage(d.Body), "attemptLog": attempts,
	}
}

// webhookDeliveries serves GET /rest/webhooks/{id}/deliveries: newest
// first, each with its attempts; ?limit and ?starting_after page.
func (h *handler) webhookDeliveries(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.webhooksFor(r)
	if err != nil {
		return err
	}
	pq, err := pageQuery(r)
	if err != nil {
		return err
	}
	pg, err := svc.Deliveries(r.Context(), p, webhooks.DeliveriesParams{WebhookID: r.PathValue("id"), First: pq.limit, Before: pq.after})
	if err != nil {
		return err
	}
	list := make([]map[string]any, 0, len(pg.Deliveries))
	for _, d := range pg.Deliveries {
		list = append(list, deliveryJSON(d))
	}
	return pq.write(w, "webhookDeliveries", list, pg.HasNextPage, pg.TotalCount)
}

// webhookRedeliver serves POST
// /rest/webhooks/{id}/deliveries/{deliveryId}/redeliver: 202, the attempt
// is queued.
func (h *handler) webhookRedeliver(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.webhooksFor(r)
	if err != nil {
		return err
	}
	d, err := svc.Redeliver(r.Context(), p, webhooks.RedeliverParams{DeliveryID: r.PathValue("deliveryId"), WebhookID: r.PathValue("id")})
	if err != nil {
		return err
	}
	return data(w, http.StatusAccepted, "redeliverWebhookDelivery", deliveryJSON(d))
}
