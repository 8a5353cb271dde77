package rest

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/analytics"
	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/webhooks"
	"github.com/roster-crm/roster/internal/workflow"
)

// Config wires the REST handler.
type Config struct {
	Records *records.Service
	// Webhooks serves /rest/webhooks; nil answers that they are off.
	Webhooks *webhooks.Service
	// Audit serves /rest/auditLogs.
	Audit *audit.Service
	// Analytics serves /rest/revenueMetrics and /rest/mrrMovements; nil
	// answers that they are off.
	Analytics *analytics.Service
	// Workflows serves /rest/workflows, /rest/workflowVersions and
	// /rest/workflowRuns; nil answers that they are off.
	Workflows *workflow.Service
	// Contracts serves /rest/contractTemplates and /rest/contracts; nil
	// answers that they are off.
	Contracts *contracts.Service
	// Logger receives 5xx errors of requests not served through
	// httpserver.Server (which has its own request-scoped logger); nil means
	// slog.Default().
	Logger *slog.Logger
	// BaseURL is the public origin ("https://crm.example.com"), used as the
	// OpenAPI document's server; empty makes the server relative.
	BaseURL string
}

// handler holds the REST endpoints.
type handler struct {
	records   *records.Service
	webhooks  *webhooks.Service
	audit     *audit.Service
	analytics *analytics.Service
	workflows *workflow.Service
	contracts *contracts.Service
	logger    *slog.Logger
	baseURL   string
}

// NewHandler returns the REST API. It matches full paths ("/rest/people"),
// so the app mounts it on "/rest/" without stripping the prefix.
func NewHandler(cfg Config) http.Handler {
	mux := http.NewServeMux()
	Register(mux, cfg)
	return mux
}

// Mux is where Register mounts routes: an *http.ServeMux or an
// *httpserver.Server.
type Mux interface {
	Handle(pattern string, h http.Handler)
}

// Register mounts every REST route on mux under its own pattern. Mounting on
// httpserver.Server directly (rather than NewHandler on "/rest/") labels
// access logs and metrics per route ("GET /rest/{object}/{id}").
func Register(mux Mux, cfg Config) {
	h := &handler{records: cfg.Records, webhooks: cfg.Webhooks, audit: cfg.Audit, analytics: cfg.Analytics, workflows: cfg.Workflows, contracts: cfg.Contracts, logger: cfg.Logger, baseURL: strings.TrimRight(cfg.BaseURL, "/")}
	if h.logger == nil {
		h.logger = slog.Default()
	}
	mux.Handle("GET /rest/openapi.json", h.json(h.openAPI))
	mux.Handle("GET /rest/{object}", h.json(h.list))
	mux.Handle("POST /rest/{object}", h.json(h.create))
	mux.Handle("POST /rest/batch/{object}", h.json(h.createBatch))
	mux.Handle("GET /rest/{object}/{id}", h.json(h.get))
	mux.Handle("PATCH /rest/{object}/{id}", h.json(h.update))
	mux.Handle("DELETE /rest/{object}/{id}", h.json(h.delete))
	mux.Handle("POST /rest/restore/{object}/{id}", h.json(h.restore))
	h.registerWebhooks(mux)
	mux.Handle("GET /rest/auditLogs", h.json(h.auditLogList))
	mux.Handle("GET /rest/revenueMetrics", h.json(h.revenueMetrics))
	mux.Handle("GET /rest/mrrMovements", h.json(h.mrrMovements))
	h.registerWorkflows(mux)
	h.registerContracts(mux)
	mux.Handle("/rest/", h.json(func(w http.ResponseWriter, r *http.Request) error {
		return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "no REST endpoint " + r.Method + " " + r.URL.Path + " (see /rest/openapi.json)"}
	}))
}

// json is the one error adapter of the REST surface: a handler returns an
// error, and it becomes the shared JSON error body with the status from
// httpserver's table. Internal errors are logged once, here.
func (h *handler) json(fn func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := fn(w, r)
		if err == nil {
			return
		}
		id := httpserver.RequestID(r.Context())
		resp, ok := httpserver.Classify(err, id)
		if !ok {
			logger := h.logger
			if id != "" {
				logger = httpserver.Logger(r.Context())
			}
			logger.Error("rest: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		httpserver.WriteJSON(w, resp.StatusCode, resp)
	})
}

// target is what every record endpoint starts from: the caller's workspace
// and the object named in the path.
type target struct {
	principal *auth.Principal
	object    *crm.Object
}

func (t target) ws() string { return t.principal.WorkspaceID }

// resolve authenticates the request and finds the object named in the path.
func resolve(r *http.Request) (target, error) {
	p := auth.PrincipalFrom(r.Context())
	if p == nil {
		return target{}, &crm.Error{Cause: crm.ErrUnauthenticated, Code: crm.CodeUnauthenticated, Message: "authentication required: send an API key as \"Authorization: Bearer KEY\""}
	}
	name := r.PathValue("object")
	o, ok := objectByPlural(name)
	if !ok {
		return target{}, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Field: "object",
			Message: "unknown object \"" + name + "\" (one of " + pluralNames() + ")"}
	}
	return target{principal: p, object: o}, nil
}

func objectByPlural(name string) (*crm.Object, bool) {
	for _, o := range crm.Objects() {
		if o.Plural == name {
			return o, true
		}
	}
	return nil, false
}

func pluralNames() string {
	var names []string
	for _, o := range crm.Objects() {
		names = append(names, o.Plural)
	}
	return strings.Join(names, ", ")
}

// Response keys, as Twenty names them: "person", "createPerson", "createPeople".
func singular(o *crm.Object) string         { return string(o.Name) }
func pluralKey(o *crm.Object) string        { return o.Plural }
func opKey(op string, o *crm.Object) string { return op + o.Label }
func opManyKey(op string, o *crm.Object) string {
	return op + strings.ToUpper(o.Plural[:1]) + o.Plural[1:]
}

// data writes {"data": {key: v}}.
func data(w http.ResponseWriter, status int, key string, v any) error {
	httpserver.WriteJSON(w, status, map[string]any{"data": map[string]any{key: v}})
	return nil
}
