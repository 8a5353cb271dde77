package httpserver_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/httpserver"
)

// TestOrigin: every request's context carries its peer address and
// user-agent for the audit log; a forwarded-for header is not believed.
func TestOrigin(t *testing.T) {
	srv, _ := newServer(t, httpserver.Config{})
	var seen audit.Origin
	srv.HandleFunc("GET /origin", func(w http.ResponseWriter, r *http.Request) {
		seen = audit.OriginFrom(r.Context())
	})
	req := httptest.NewRequest("GET", "/origin", nil)
	req.RemoteAddr = "198.51.100.23:40512"
	req.Header.Set("User-Agent", "curl/8.5.0")
	req.Header.Set("X-Forwarded-For", "203.0.113.1")
	do(t, srv.Handler(), req)
	if want := (audit.Origin{IP: "198.51.100.23", UserAgent: "curl/8.5.0"}); seen != want {
		t.Errorf("OriginFrom(request) = %+v; want %+v", seen, want)
	}
}
