package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/httpserver"
)

// serveApp opens the app over SQLite with the given settings.
func serveApp(t *testing.T, cfg config.Config) *App {
	t.Helper()
	cfg.DataDir, cfg.Addr = t.TempDir(), "127.0.0.1:0"
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://roster.test"
	}
	a, err := open(context.Background(), cfg, slog.New(slog.DiscardHandler), openParams{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func TestServedHeadersAndMetrics(t *testing.T) {
	tests := []struct {
		Name          string
		Config        config.Config
		Method, Path  string
		Authorization string
		WantStatus    int
		WantHSTS      bool
	}{
		{Name: "metrics not public by default", Method: "GET", Path: "/metrics", WantStatus: http.StatusNotFound},
		{Name: "metrics token required", Config: config.Config{MetricsToken: "0123456789abcdef"}, Method: "GET", Path: "/metrics", WantStatus: http.StatusUnauthorized},
		{Name: "metrics with the token", Config: config.Config{MetricsToken: "0123456789abcdef"}, Method: "GET", Path: "/metrics", Authorization: "Bearer 0123456789abcdef", WantStatus: http.StatusOK},
		{Name: "graphql answer over http", Method: "POST", Path: "/graphql", WantStatus: http.StatusUnauthorized},
		{Name: "graphql answer over https", Config: config.Config{BaseURL: "https://crm.example.com"}, Method: "POST", Path: "/graphql", WantStatus: http.StatusUnauthorized, WantHSTS: true},
		{Name: "web page over https", Config: config.Config{BaseURL: "https://crm.example.com"}, Method: "GET", Path: "/login", WantStatus: http.StatusSeeOther, WantHSTS: true},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			a := serveApp(t, tt.Config)
			srv := newServer(t, a)
			req := httptest.NewRequest(tt.Method, tt.Path, strings.NewReader(`{"query":"{ people { totalCount } }"}`))
			req.Header.Set("Content-Type", "application/json")
			if tt.Authorization != "" {
				req.Header.Set("Authorization", tt.Authorization)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != tt.WantStatus {
				t.Fatalf("%s %s = %d; want %d", tt.Method, tt.Path, rec.Code, tt.WantStatus)
			}
			if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q; want nosniff", got)
			}
			if got := rec.Header().Get("Strict-Transport-Security") != ""; got != tt.WantHSTS {
				t.Errorf("Strict-Transport-Security sent = %v; want %v", got, tt.WantHSTS)
			}
		})
	}
}

// newServer is the main server as cmdServe builds it, with every route.
func newServer(t *testing.T, a *App) http.Handler {
	t.Helper()
	srv := httpserver.New(a.serverConfig(slog.New(slog.DiscardHandler)))
	if err := a.mount(srv); err != nil {
		t.Fatal(err)
	}
	return srv.Handler()
}

func TestMetricsOnTheirOwnAddress(t *testing.T) {
	a := serveApp(t, config.Config{MetricsAddr: "127.0.0.1:0"})
	msrv, err := a.metricsServer(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- msrv.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	<-msrv.Listening()
	resp, err := http.Get("http://" + msrv.Addr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "go_goroutines") {
		t.Fatalf("GET /metrics on ROSTER_METRICS_ADDR = %d; want 200 with metrics", resp.StatusCode)
	}
}
