package app

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/browsertest"
	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/whop/whopsim"
)

// e2e is the whole product as a person meets it: Roster with its web UI,
// job queue and Whop integration on a real loopback listener, a simulated
// Whop company whose OAuth consent page the browser answers, and headless
// Chromium driving both.
type e2e struct {
	app *App
	sim *whopsim.Sim
	url string // Roster's base URL, http://127.0.0.1:port
}

// E2E account of the first admin, created through /setup.
const (
	e2eEmail    = "owner@pickaxe.example"
	e2ePassword = "correct horse battery"
)

// startE2E builds and serves the app over SQLite with a simulated Whop
// company of a few dozen customers. The listener is bound first so that the
// simulator's OAuth client can name Roster's callback URL and Roster's
// configuration can name the simulator.
func startE2E(t *testing.T) *e2e {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	callback := base + "/auth/whop/callback"
	sim, simURL, err := startSim("127.0.0.1:0", 4, 40, callback, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })

	key := make([]byte, 32)
	rand.Read(key)
	cfg := config.Config{
		DataDir: t.TempDir(), Addr: ln.Addr().String(), BaseURL: base, EncryptionKey: key,
		WhopAPIBaseURL: simURL + "/api/v1", WhopOAuthBaseURL: simURL, WhopAPIVersionDate: "2025-01-01",
		WhopClientID: simClientID, WhopClientSecret: simClientSecret, WhopCallbackURL: callback,
		WhopRatePerMinute: -1,
	}
	logs := &testLog{t: t}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := open(ctx, cfg, logger, openParams{Migrate: true, WorkJobs: true})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	srv := httpserver.New(httpserver.Config{Logger: logger, Metrics: a.Metrics, Store: a.Store})
	if err := a.mount(srv); err != nil {
		t.Fatal(err)
	}
	if err := a.Queue.Start(ctx); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv.Handler())
	hs.Listener.Close()
	hs.Listener = ln
	hs.Start()
	t.Cleanup(func() {
		// Long-lived answers (server-sent events) end with their connections.
		hs.CloseClientConnections()
		hs.Close()
		cancel()
		stopCtx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		_ = a.Queue.Stop(stopCtx)
		logs.close()
		a.Close()
	})
	return &e2e{app: a, sim: sim, url: base}
}

// testLog sends the app's warnings and errors to the test log while the test
// runs, and drops what background goroutines say after it.
type testLog struct {
	t    *testing.T
	mu   sync.Mutex
	done bool
}

func (l *testLog) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.t.Log("app: " + strings.TrimSpace(string(b)))
	}
	return len(b), nil
}

func (l *testLog) close() {
	l.mu.Lock()
	l.done = true
	l.mu.Unlock()
}

var _ io.Writer = (*testLog)(nil)

// TestBrowser is the end-to-end suite in headless Chromium: the main flow
// from the issue (first run to export), then an axe-core audit of every page
// in both colour schemes and screenshots at 360 and 1280 px. It runs in CI
// (.ci/run installs Chromium and axe-core); without them it fails.
func TestBrowser(t *testing.T) {
	env := startE2E(t)
	b := browsertest.Start(t)
	p := b.NewPage(t, env.url)
	s := &flowState{env: env, p: p, found: &found{}}
	for _, step := range flowSteps {
		if !t.Run(step.name, func(t *testing.T) { step.run(t, s.withT(t)) }) {
			t.Fatalf("flow stopped at %q", step.name)
		}
	}
	t.Run("audit", func(t *testing.T) { auditPages(t, s.withT(t)) })
}
