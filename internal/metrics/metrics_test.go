package metrics_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/metrics"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// scrape returns the exposition text served by the registry's handler.
func scrape(t *testing.T, reg *metrics.Registry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	reg.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("GET /metrics status = %d; want 200", rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestObserveHTTP(t *testing.T) {
	reg := metrics.New()
	reg.ObserveHTTP("GET /rest/people", "GET", 200, 30*time.Millisecond)
	reg.ObserveHTTP("GET /rest/people", "GET", 200, 30*time.Millisecond)
	out := scrape(t, reg)
	for _, want := range []string{
		`roster_http_request_duration_seconds_count{method="GET",route="GET /rest/people",status="200"} 2`,
		`roster_http_request_duration_seconds_bucket{method="GET",route="GET /rest/people",status="200",le="0.05"} 2`,
		`go_goroutines `,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

func TestRegisterStore(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		reg := metrics.New()
		if err := reg.RegisterStore(s); err != nil {
			t.Fatalf("RegisterStore() = %v; want nil", err)
		}
		out := scrape(t, reg)
		wantPools := map[store.Dialect][]string{
			store.SQLite:   {"write", "read"},
			store.Postgres: {"write"},
		}[s.Dialect]
		for _, pool := range wantPools {
			for _, name := range []string{
				"roster_db_pool_open_connections", "roster_db_pool_in_use_connections",
				"roster_db_pool_idle_connections", "roster_db_pool_wait_count_total",
				"roster_db_pool_wait_duration_seconds_total", "roster_db_pool_max_open_connections",
			} {
				if want := name + `{pool="` + pool + `"}`; !strings.Contains(out, want) {
					t.Errorf("scrape lacks %q", want)
				}
			}
		}
		if s.Dialect == store.SQLite {
			if want := `roster_db_pool_max_open_connections{pool="write"} 1`; !strings.Contains(out, want) {
				t.Errorf("scrape lacks %q (SQLite has one writer)", want)
			}
		} else if strings.Contains(out, `pool="read"`) {
			t.Errorf("postgres scrape reports a read pool; want the shared pool once")
		}
		if err := reg.RegisterStore(s); err == nil {
			t.Errorf("second RegisterStore() = nil; want already-registered error")
		}
	})
}
