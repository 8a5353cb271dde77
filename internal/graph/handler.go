package graph

import (
	"bytes"
	"github.com/roster-crm/roster/internal/ai"
	"io"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/roster-crm/roster/internal/analytics"
	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/graph/generated"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/webhooks"
	"github.com/roster-crm/roster/internal/whopsync"
	"github.com/roster-crm/roster/internal/workflow"
)

// Config wires the GraphQL handler.
type Config struct {
	Records *records.Service
	// Whop serves the Whop connection and sync operations; nil disables them.
	Whop *whopsync.Service
	// Webhooks serves the outgoing webhook operations; nil disables them.
	Webhooks *webhooks.Service
	// AI serves the AI actions, templates, settings and usage; nil
	// disables them.
	AI *ai.Service
	// Workflows serves the workflow operations; nil disables them.
	Workflows *workflow.Service
	// Contracts serves the contract operations; nil disables them.
	Contracts *contracts.Service
	// Analytics serves the revenue analytics queries; nil disables them.
	Analytics *analytics.Service
	// Audit serves the audit log (auditLogs, auditLog).
	Audit *audit.Service
	// Logger receives internal errors (once each); nil means slog.Default().
	Logger *slog.Logger
}

// NewHandler returns the GraphQL endpoint. It expects an upstream
// middleware to have put the caller's auth.Principal in the request
// context; without one the request is answered 401 UNAUTHENTICATED before
// its document is read, so an anonymous caller cannot make the server
// parse or validate anything. Mount it at POST /graphql (GET works too,
// for queries only).
func NewHandler(cfg Config) http.Handler {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	es := generated.NewExecutableSchema(generated.Config{Resolvers: &Resolver{records: cfg.Records, whop: cfg.Whop, webhooks: cfg.Webhooks, workflows: cfg.Workflows, contracts: cfg.Contracts, ai: cfg.AI, audit: cfg.Audit, analytics: cfg.Analytics, log: log}})
	srv := handler.New(es)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(documentLimit{maxFields: MaxCost, maxDepth: MaxDepth})
	srv.Use(costLimit{max: MaxCost})
	present := presentError(log)
	srv.SetErrorPresenter(present)
	srv.SetRecoverFunc(recoverPanic(log))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := auth.RequirePrincipal(r.Context()); err != nil {
			httpserver.WriteJSON(w, http.StatusUnauthorized, &graphql.Response{Errors: gqlerror.List{present(r.Context(), err)}})
			return
		}
		// Read the body first: an oversized one is a 413 with the shared
		// BODY_TOO_LARGE error, not a GraphQL error inside a 200.
		if r.Method == http.MethodPost {
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
			if err != nil {
				httpserver.WriteError(w, r, err)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		r = r.WithContext(withLoader(r.Context()))
		srv.ServeHTTP(w, r)
	})
}
