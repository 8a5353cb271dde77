package app

import (
	"errors"
	"io"
	"net/http"
	"net/netip"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/whopsync"
)

// whopWebhook is the HTTP intake of Whop's webhooks: POST /webhooks/whop
// (routed by the event's company_id) and POST /webhooks/whop/{workspaceID}.
// Webhooks authenticate by signature, not by key or session, so it sits
// outside the authentication middleware. It reads the request into a
// whopsync.WebhookDelivery and answers what the service decided: 200
// {"received": true, "duplicate": ...} once the event is durable, a refusal
// with the status of its cause (403 allowlist, 401 signature or routing,
// 404 unknown workspace, 400 not an event, 413 too big), or 500 when it
// could not be stored, which Whop retries.
type whopWebhook struct {
	whop *whopsync.Service
}

func (h whopWebhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d := whopsync.WebhookDelivery{WorkspaceID: r.PathValue("workspaceID"), Header: r.Header, RemoteIP: remoteIP(r)}
	// The allowlist goes first: a refused sender's body is not even read.
	err := h.whop.CheckWebhookSource(d.RemoteIP)
	if err == nil {
		d.Body, err = readWebhookBody(r.Body)
	}
	var duplicate bool
	if err == nil {
		duplicate, err = h.whop.AcceptWebhook(r.Context(), d)
	}
	if err == nil {
		httpserver.WriteJSON(w, http.StatusOK, map[string]any{"received": true, "duplicate": duplicate})
		return
	}
	resp, ok := httpserver.Classify(err, httpserver.RequestID(r.Context()))
	if !ok {
		httpserver.Logger(r.Context()).ErrorContext(r.Context(), "whop webhook: store event", "error", err)
		resp.Error.Message = "could not store the event; Whop will retry"
		resp.Messages = []string{resp.Error.Message}
	}
	httpserver.WriteJSON(w, resp.StatusCode, resp)
}

// readWebhookBody reads at most one byte more than a webhook may carry, so
// AcceptWebhook can refuse an oversized one without the rest being read
// (the server's own body cap may stop the read first).
func readWebhookBody(body io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(body, whopsync.MaxWebhookBytes+1))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, whopsync.ErrWebhookTooLarge
	}
	if err != nil {
		return nil, &crm.Error{Cause: crm.ErrInvalid, Code: crm.CodeInvalidValue, Message: "could not read the body"}
	}
	return b, nil
}

// remoteIP is the address of the peer that sent r (the zero Addr when it
// cannot be parsed, which no allowlist admits). Behind a proxy this is the
// proxy: the allowlist is for deployments that receive Whop directly.
func remoteIP(r *http.Request) netip.Addr {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return ap.Addr()
	}
	a, _ := netip.ParseAddr(r.RemoteAddr)
	return a
}
