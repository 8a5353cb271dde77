package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/graph"
	"github.com/roster-crm/roster/internal/records"
)

// inProcessGraphQL serves the real GraphQL handler on a loopback listener,
// with the benchmark workspace's principal injected as the auth middleware
// would after checking an API key, and returns a client for it. The API key
// check itself (one indexed lookup) is measured in the serve phase.
func inProcessGraphQL(svc *records.Service, ws string) (lister, func(), error) {
	keyID := "rosterbench"
	p := &auth.Principal{WorkspaceID: ws, APIKeyID: &keyID, Role: auth.RoleAdmin, Name: "rosterbench"}
	h := graph.NewHandler(graph.Config{Records: svc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	}))
	return graphqlLister{url: srv.URL + "/graphql", client: &http.Client{Timeout: time.Minute}}, srv.Close, nil
}
