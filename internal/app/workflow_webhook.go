package app

import (
	"errors"
	"io"
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/workflow"
)

// workflowWebhook is the intake of WEBHOOK triggers: POST (or GET)
// /webhooks/workflows/{workspaceID}/{workflowID}. It is mounted behind the
// authentication middleware, which rejects a wrong API key with 401 and
// lets a request without one through; the workflow's settings decide
// whether a key is required. It answers 202 {"workflowRunId": ...}, 404
// when the workflow has no active webhook version, 401 when a required key
// is missing, 413 over 1 MiB, 400 when the body is not JSON.
type workflowWebhook struct {
	workflows *workflow.Service
}

func (h workflowWebhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := workflow.WebhookCall{
		WorkspaceID: r.PathValue("workspaceID"), WorkflowID: r.PathValue("workflowID"), Method: r.Method,
		Query: r.URL.Query(), Caller: auth.PrincipalFrom(r.Context()), IdempotencyKey: r.Header.Get("Idempotency-Key"),
	}
	var err error
	if r.Method == http.MethodPost {
		c.Body, err = io.ReadAll(io.LimitReader(r.Body, workflow.MaxWebhookBytes+1))
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			err = workflow.ErrWebhookTooLarge
		}
	}
	var id string
	if err == nil {
		id, err = h.workflows.TriggerWebhook(r.Context(), c)
	}
	if err != nil {
		httpserver.WriteError(w, r, err)
		return
	}
	httpserver.WriteJSON(w, http.StatusAccepted, map[string]any{"workflowRunId": id})
}
