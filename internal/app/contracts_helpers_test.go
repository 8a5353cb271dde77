package app

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// startApp opens the composed application on a dialect with its routes
// mounted; key, when set, is the encryption key (contracts, webhooks and
// Whop need one); work starts the job queue.
func startApp(t *testing.T, dialect string, key []byte, work bool) (*App, http.Handler) {
	t.Helper()
	cfg := config.Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", BaseURL: "http://roster.test", EncryptionKey: key}
	if dialect == "postgres" {
		cfg.DatabaseURL = storetest.PostgresURL(t)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := open(ctx, cfg, slog.New(slog.DiscardHandler), openParams{Migrate: true, WorkJobs: work})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	srv := httpserver.New(httpserver.Config{Logger: slog.New(slog.DiscardHandler), Store: a.Store})
	if err := a.mount(srv); err != nil {
		t.Fatal(err)
	}
	if work {
		if err := a.Queue.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if work {
			stop, done := context.WithTimeout(context.Background(), 10*time.Second)
			defer done()
			_ = a.Queue.Stop(stop)
		}
		cancel()
		a.Close()
	})
	return a, srv.Handler()
}
