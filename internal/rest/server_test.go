package rest_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/rest"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestRegisterOnServer mounts the routes on the real httpserver chain, so the
// server's own body limit and error adapter are what the client sees.
func TestRegisterOnServer(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		srv := httpserver.New(httpserver.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxBodyBytes: 1024})
		svc := records.New(records.Config{Store: s})
		ws := newWorkspace(t, s, "A")
		rest.Register(authedMux{srv, &auth.Principal{WorkspaceID: ws, Name: "k", APIKeyID: ptr("k"), Role: auth.RoleAdmin}}, rest.Config{Records: svc})
		for _, tt := range []struct {
			method, url, body string
			status            int
			inBody            string
		}{
			{"GET", "/rest/openapi.json", "", 200, `"openapi":"3.0.3"`},
			{"GET", "/rest/people", "", 401, `"code":"UNAUTHENTICATED"`},
			{"GET", "/rest/people?as=A", "", 200, `"totalCount":0`},
			{"POST", "/rest/people?as=A", `{"city":"` + strings.Repeat("x", 2048) + `"}`, 413, `"code":"BODY_TOO_LARGE"`},
			{"GET", "/rest/nothing/here/at/all", "", 404, `"code":"NOT_FOUND"`},
		} {
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, httptest.NewRequest(tt.method, tt.url, body))
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.inBody) {
				t.Errorf("%s %s = %d %s; want %d with %s", tt.method, tt.url, rec.Code, rec.Body.String(), tt.status, tt.inBody)
			}
		}
	})
}

// authedMux mounts handlers on the server with a principal injected when
// the query says as=A, standing in for auth.Middleware.
type authedMux struct {
	srv *httpserver.Server
	p   *auth.Principal
}

func (m authedMux) Handle(pattern string, h http.Handler) {
	m.srv.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("as") == "A" {
			r = r.WithContext(auth.WithPrincipal(r.Context(), m.p))
		}
		h.ServeHTTP(w, r)
	}))
}

var _ rest.Mux = (*http.ServeMux)(nil)
