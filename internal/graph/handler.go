package graph

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/roster-crm/roster/internal/graph/generated"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/whopsync"
)

// Config wires the GraphQL handler.
type Config struct {
	Records *records.Service
	// Whop serves the Whop connection and sync operations; nil disables them.
	Whop *whopsync.Service
	// Logger receives internal errors (once each); nil means slog.Default().
	Logger *slog.Logger
}

// Limits on what one request may ask for. Complexity counts every selected
// field (gqlgen's default cost); depth stops deeply nested relation
// walks. Introspection fields are exempt from the depth limit.
const (
	MaxComplexity = 5000
	MaxDepth      = 12
	// MaxBodyBytes bounds a request body (a createPeople batch included);
	// it matches the server-wide limit, so both answer 413 the same way.
	MaxBodyBytes = 1 << 20
)

// NewHandler returns the GraphQL endpoint. It expects an upstream
// middleware to have put the caller's auth.Principal in the request
// context; without one every field answers UNAUTHENTICATED. Mount it at
// POST /graphql (GET works too, for queries only).
func NewHandler(cfg Config) http.Handler {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	es := generated.NewExecutableSchema(generated.Config{Resolvers: &Resolver{records: cfg.Records, whop: cfg.Whop, log: log}})
	srv := handler.New(es)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.FixedComplexityLimit(MaxComplexity))
	srv.Use(depthLimit{max: MaxDepth})
	srv.SetErrorPresenter(presentError(log))
	srv.SetRecoverFunc(recoverPanic(log))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
