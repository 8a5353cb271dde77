package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/insights"
	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/views"
	"github.com/roster-crm/roster/internal/web"
	"github.com/roster-crm/roster/internal/webhooks"
	"github.com/roster-crm/roster/internal/whop/whopsim"
	"github.com/roster-crm/roster/internal/whopsync"
)

// settingsLogs collects the UI's log lines (invite and reset links go there).
type settingsLogs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *settingsLogs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}
func (l *settingsLogs) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.buf.String() }

// settingsClock is a settable clock for the auth service, to expire links.
type settingsClock struct {
	mu sync.Mutex
	d  time.Duration
}

func (c *settingsClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.d) }
func (c *settingsClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.d += d
}

// settingsSite is the UI over a real store with a log to read, a clock to
// move, and optionally a Whop integration against the simulator, with a
// working job queue.
type settingsSite struct {
	*site
	logs  *settingsLogs
	clock *settingsClock
	whop  *whopsync.Service
	sim   *whopsim.Sim
	// mail is the log-driver mailer: invite and reset links land in its
	// outbox.
	mail *mail.Service
	// hooks is the outgoing webhooks service; queue takes its jobs (an
	// insert-only queue, opened by the tests that redeliver, unless the
	// site has Whop and so a working queue).
	hooks *webhooks.Service
	queue *jobs.Queue

	company, apiKey, webhookSecret string
	// whopDown makes the simulated Whop's OAuth token endpoint fail (503),
	// a fault the simulator itself does not offer.
	whopDown atomic.Bool
}

func newSettingsSite(t *testing.T, s *store.Store, withWhop bool) *settingsSite {
	t.Helper()
	ctx := context.Background()
	st := &settingsSite{logs: &settingsLogs{}, clock: &settingsClock{}}
	mailKey := make([]byte, 32)
	_, _ = rand.Read(mailKey)
	mailSealer, err := secret.NewSealer(secret.Key{Bytes: mailKey})
	if err != nil {
		t.Fatal(err)
	}
	st.mail = mail.New(mail.Config{Store: s, Sealer: mailSealer, Now: st.clock.Now})
	a := auth.New(auth.Config{Store: s, Now: st.clock.Now, Mail: st.mail})
	recs := records.New(records.Config{Store: s})
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	if withWhop {
		st.company, st.apiKey, st.webhookSecret = "biz_settings_test", "whop_sk_test_"+settingsRandomHex(8), "ws_"+settingsRandomHex(32)
		st.sim = whopsim.New(whopsim.Config{Seed: 7, RateLimit: -1, RetryScale: 0.001, APIKeys: []whopsim.APIKey{{Key: st.apiKey, CompanyID: st.company}}})
		st.sim.Generate(whopsim.GenerateParams{CompanyID: st.company, Users: 12, Products: 2, Memberships: 15})
		simHandler := st.sim.Handler()
		simSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if st.whopDown.Load() && r.URL.Path == "/oauth/token" {
				http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
				return
			}
			simHandler.ServeHTTP(w, r)
		}))
		t.Cleanup(simSrv.Close)
		if err := jobs.Migrate(ctx, s); err != nil {
			t.Fatal(err)
		}
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		sealer, err := secret.NewSealer(secret.Key{Bytes: key})
		if err != nil {
			t.Fatal(err)
		}
		queue := jobs.Prepare(jobs.Config{Store: s, Logger: slog.New(slog.DiscardHandler), FetchPollInterval: 100 * time.Millisecond})
		st.queue = queue
		recs = records.New(records.Config{Store: s, Jobs: queue})
		callback := srv.URL + "/auth/whop/callback"
		st.sim.AddOAuthClient(whopsim.OAuthClient{ID: settingsOAuthClient, Secret: settingsOAuthSecret, RedirectURIs: []string{callback}})
		st.whop, err = whopsync.New(whopsync.Config{Store: s, Records: recs, Queue: queue, Sealer: sealer, APIBaseURL: simSrv.URL + "/api/v1", OAuthBaseURL: simSrv.URL,
			ClientID: settingsOAuthClient, ClientSecret: settingsOAuthSecret, CallbackURL: callback, RatePerMinute: -1, BaseURL: srv.URL, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		if err := jobs.Register(queue.Registry(), &records.EventsWorker{Bus: &records.Bus{}}); err != nil {
			t.Fatal(err)
		}
		if err := whopsync.Register(queue.Registry(), st.whop, time.Hour); err != nil {
			t.Fatal(err)
		}
		if err := queue.Open(ctx); err != nil {
			t.Fatal(err)
		}
		if err := queue.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = queue.Stop(stop)
		})
	}
	if st.queue == nil {
		st.queue = jobs.Prepare(jobs.Config{Store: s, Logger: slog.New(slog.DiscardHandler), InsertOnly: true})
	}
	hookSealer, err := secret.NewSealer(secret.Key{Bytes: mailKey})
	if err != nil {
		t.Fatal(err)
	}
	st.hooks = webhooks.New(webhooks.Config{Store: s, Records: recs, Queue: st.queue, Sealer: hookSealer, Mail: st.mail, Now: st.clock.Now})
	cfg := web.Config{Records: recs, Auth: a, Webhooks: st.hooks, Insights: insights.New(insights.Config{Store: s, Now: st.clock.Now}), Views: views.New(s, st.clock.Now), Logger: slog.New(slog.NewTextHandler(st.logs, nil)), BaseURL: "http://roster.test"}
	if st.whop != nil {
		cfg.Whop = st.whop
	}
	ui, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ui.Register(mux, a.SessionMiddleware())
	st.site = &site{t: t, srv: srv, store: s, auth: a, records: recs}
	return st
}

// The Whop app's OAuth client, registered at the simulator.
const (
	settingsOAuthClient = "app_settings_test"
	settingsOAuthSecret = "apps_settings_test_secret"
)

func settingsRandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// settingsPost posts a form with the CSRF token read from page.
func (b *browser) settingsPost(page, action string, v url.Values) (int, string, http.Header) {
	b.t.Helper()
	if v == nil {
		v = url.Values{}
	}
	v.Set("csrf_token", b.csrf(page))
	return b.post(action, v)
}

// settingsLinkIn finds a link to path prefix in text (a page or the log).
func settingsLinkIn(t *testing.T, text, prefix string) string {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(prefix) + `[A-Za-z0-9]+`).FindString(text)
	if m == "" {
		t.Fatalf("no %s link in %q", prefix, text)
	}
	return m
}
