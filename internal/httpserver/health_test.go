package httpserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestHealthz(t *testing.T) {
	srv, _ := newServer(t, httpserver.Config{})
	rec := do(t, srv.Handler(), httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != 200 || rec.Body.String() != "{\"status\":\"ok\"}\n" {
		t.Errorf("GET /healthz = %d %q; want 200 {\"status\":\"ok\"}", rec.Code, rec.Body)
	}
}

// unmigratedStores opens an empty database per dialect, without migrations.
func unmigratedStores(t *testing.T) map[string]*store.Store {
	t.Helper()
	ctx := context.Background()
	params := map[string]store.OpenParams{
		"sqlite": {SQLitePath: filepath.Join(t.TempDir(), "roster.db")},
	}
	if storetest.PostgresEnabled(t) {
		params["postgres"] = store.OpenParams{DatabaseURL: storetest.PostgresURL(t), MaxConns: 4}
	}
	out := map[string]*store.Store{}
	for name, p := range params {
		s, err := store.Open(ctx, p)
		if err != nil {
			t.Fatalf("open %s: %v", name, err)
		}
		t.Cleanup(func() { s.Close() })
		out[name] = s
	}
	return out
}

func readyz(t *testing.T, srv *httpserver.Server) (int, map[string]string) {
	t.Helper()
	rec := do(t, srv.Handler(), httptest.NewRequest("GET", "/readyz", nil))
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("readyz body %q: %v", rec.Body, err)
	}
	return rec.Code, body
}

func TestReadyz(t *testing.T) {
	for name, s := range unmigratedStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			var extra error
			srv, _ := newServer(t, httpserver.Config{Store: s, Ready: func(context.Context) error { return extra }})

			code, body := readyz(t, srv)
			if code != http.StatusServiceUnavailable || body["reason"] != "database migrations pending" {
				t.Errorf("unmigrated: readyz = %d %v; want 503 with reason \"database migrations pending\"", code, body)
			}
			if _, err := s.MigrateUp(ctx); err != nil {
				t.Fatalf("MigrateUp() = %v", err)
			}
			if code, body := readyz(t, srv); code != http.StatusOK || body["status"] != "ready" {
				t.Errorf("migrated: readyz = %d %v; want 200 ready", code, body)
			}
			extra = errors.New("job migrations pending")
			if code, body := readyz(t, srv); code != http.StatusServiceUnavailable || body["reason"] != "job migrations pending" {
				t.Errorf("extra check failing: readyz = %d %v; want 503 with its reason", code, body)
			}
			extra = nil
			s.Close()
			if code, body := readyz(t, srv); code != http.StatusServiceUnavailable || body["reason"] != "database unreachable" {
				t.Errorf("closed store: readyz = %d %v; want 503 database unreachable", code, body)
			}
		})
	}
}
