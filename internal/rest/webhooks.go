package rest

import (
	"net/http"
	"strconv"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/webhooks"
)

// registerWebhooks mounts /rest/webhooks: the workspace's outgoing webhooks
// and their delivery log, admins only. The paths are more specific than
// /rest/{object}, so they take precedence.
func (h *handler) registerWebhooks(mux Mux) {
	mux.Handle("GET /rest/webhooks", h.json(h.webhookList))
	mux.Handle("POST /rest/webhooks", h.json(h.webhookCreate))
	mux.Handle("GET /rest/webhooks/{id}", h.json(h.webhookGet))
	mux.Handle("PATCH /rest/webhooks/{id}", h.json(h.webhookUpdate))
	mux.Handle("DELETE /rest/webhooks/{id}", h.json(h.webhookDelete))
	mux.Handle("GET /rest/webhooks/{id}/deliveries", h.json(h.webhookDeliveries))
	mux.Handle("POST /rest/webhooks/{id}/deliveries/{deliveryId}/redeliver", h.json(h.webhookRedeliver))
}

// webhooksFor authenticates the request and returns the webhooks service.
func (h *handler) webhooksFor(r *http.Request) (*auth.Principal, *webhooks.Service, error) {
	p := auth.PrincipalFrom(r.Context())
	if p == nil {
		return nil, nil, &crm.Error{Cause: crm.ErrUnauthenticated, Code: crm.CodeUnauthenticated, Message: "authentication required: send an API key as \"Authorization: Bearer KEY\""}
	}
	if h.webhooks == nil {
		return nil, nil, crm.Invalid("", crm.CodeInvalidValue, "outgoing webhooks are not enabled on this server")
	}
	return p, h.webhooks, nil
}

// webhookBody is the JSON a client sends to create or change a webhook;
// absent keys stay nil.
type webhookBody struct {
	TargetURL   *string   `json:"targetUrl"`
	Operations  *[]string `json:"operations"`
	Description *string   `json:"description"`
	Enabled     *bool     `json:"enabled"`
}

func (b *webhookBody) update() webhooks.UpdateParams {
	u := webhooks.UpdateParams{TargetURL: b.TargetURL, Description: b.Description, Enabled: b.Enabled}
	if b.Operations != nil {
		u.Operations = append([]string{}, *b.Operations...)
	}
	return u
}

// webhookJSON renders a webhook; "secret" only when it is being shown once.
func webhookJSON(w *webhooks.Webhook) map[string]any {
	out := map[string]any{
		"id": w.ID, "targetUrl": w.TargetURL, "operations": w.Operations, "description": w.Description,
		"enabled": w.Enabled, "failureCount": w.FailureCount, "failingSince": timeJSON(w.FailingSince),
		"disabledReason": nullableString(w.DisabledReason), "lastDeliveryAt": timeJSON(w.LastDeliveryAt),
		"createdAt": w.CreatedAt.Format(time.RFC3339Nano), "updatedAt": w.UpdatedAt.Format(time.RFC3339Nano),
	}
	if w.Secret != "" {
		out["secret"] = w.Secret.Reveal()
	}
	return out
}

func timeJSON(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func nullableString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// idPage is the paging of the webhook lists: ?limit= and ?starting_after=
// (the last ID of the previous page; IDs are the cursors).
type idPage struct {
	limit int
	after string
}

func pageQuery(r *http.Request) (idPage, error) {
	pq := idPage{after: r.URL.Query().Get("starting_after")}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return pq, crm.Invalid("limit", crm.CodeInvalidValue, "limit must be a positive integer")
		}
		pq.limit = n
	}
	return pq, nil
}

// write answers {"data": {key: items}, "pageInfo": {...}, "totalCount": N},
// the shape of the record lists.
func (pq idPage) write(w http.ResponseWriter, key string, items []map[string]any, hasNext bool, total int) error {
	info := pageInfo{HasNextPage: hasNext, HasPreviousPage: pq.after != ""}
	if n := len(items); n > 0 {
		first, last := items[0]["id"].(string), items[n-1]["id"].(string)
		info.StartCursor, info.EndCursor = &first, &last
	}
	httpserver.WriteJSON(w, http.StatusOK, map[string]any{"data": map[string]any{key: items}, "pageInfo": info, "totalCount": total})
	return nil
}

// webhookList serves GET /rest/webhooks: {"data": {"webhooks": [...]},
// "pageInfo": {...}, "totalCount": N}; ?limit and ?starting_after page.
func (h *handler) webhookList(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.webhooksFor(r)
	if err != nil {
		return err
	}
	pq, err := pageQuery(r)
	if err != nil {
		return err
	}
	pg, err := svc.List(r.Context(), p, webhooks.ListParams{First: pq.limit, After: pq.after})
	if err != nil {
		return err
	}
	list := make([]map[string]any, 0, len(pg.Webhooks))
	for _, wh := range pg.Webhooks {
		list = append(list, webhookJSON(wh))
	}
	return pq.write(w, "webhooks", list, pg.HasNextPage, pg.TotalCount)
}

// webhookCreate serves POST /rest/webhooks: 201 {"data": {"createWebhook":
// {..., "secret": "whsec_..."}}}, the only answer with the secret.
func (h *handler) webhookCreate(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.webhooksFor(r)
	if err != nil {
		return err
	}
	var b webhookBody
	if err := httpserver.DecodeJSON(r, &b); err != nil {
		return err
	}
	u := b.update()
	in := webhooks.CreateParams{Operations: u.Operations, Enabled: b.Enabled}
	if b.TargetURL != nil {
		in.TargetURL = *b.TargetURL
	}
	if b.Description != nil {
		in.Description = *b.Description
	}
	wh, err := svc.Create(r.Context(), p, in)
	if err != nil {
		return err
	}
	return data(w, http.StatusCreated, "createWebhook", webhookJSON(wh))
}

// webhookGet serves GET /rest/webhooks/{id}: {"data": {"webhook": {...}}}.
func (h *handler) webhookGet(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.webhooksFor(r)
	if err != nil {
		return err
	}
	wh, err := svc.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	return data(w, http.StatusOK, "webhook", webhookJSON(wh))
}

// webhookUpdate serves PATCH /rest/webhooks/{id} with the keys to change.
func (h *handler) webhookUpdate(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.webhooksFor(r)
	if err != nil {
		return err
	}
	var b webhookBody
	if err := httpserver.DecodeJSON(r, &b); err != nil {
		return err
	}
	wh, err := svc.Update(r.Context(), p, r.PathValue("id"), b.update())
	if err != nil {
		return err
	}
	return data(w, http.StatusOK, "updateWebhook", webhookJSON(wh))
}

// webhookDelete serves DELETE /rest/webhooks/{id}.
func (h *handler) webhookDelete(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.webhooksFor(r)
	if err != nil {
		return err
	}
	wh, err := svc.Delete(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	return data(w, http.StatusOK, "deleteWebhook", map[string]any{"id": wh.ID})
}
