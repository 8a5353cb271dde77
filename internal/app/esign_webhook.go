package app

import (
	"io"
	"net/http"

	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/httpserver"
)

// maxESignWebhook bounds a provider callback (Dropbox Sign's multipart
// events carry the whole signature request, never a file).
const maxESignWebhook = 1 << 20

// esignWebhook is the intake of e-signature providers' callbacks:
// POST /webhooks/esign/{provider}/{workspaceID}. They authenticate by
// signature, not by key or session. The reply is what the provider wants
// (Dropbox Sign: the exact text "Hello API Event Received"); a bad
// signature is 401, an event that could not be applied 500, which the
// provider retries.
type esignWebhook struct {
	contracts *contracts.Service
}

func (h esignWebhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxESignWebhook))
	if err == nil {
		var reply string
		reply, err = h.contracts.AcceptWebhook(r.Context(), r.PathValue("workspaceID"), r.PathValue("provider"),
			contracts.WebhookDelivery{Header: r.Header, ContentType: r.Header.Get("Content-Type"), Body: body})
		if err == nil {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, reply)
			return
		}
	}
	resp, ok := httpserver.Classify(err, httpserver.RequestID(r.Context()))
	if !ok {
		httpserver.Logger(r.Context()).ErrorContext(r.Context(), "e-signature webhook", "provider", r.PathValue("provider"), "error", err)
	}
	httpserver.WriteJSON(w, resp.StatusCode, resp)
}
