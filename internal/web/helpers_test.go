package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/insights"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/views"
	"github.com/roster-crm/roster/internal/web"
)

// site is the UI on a real HTTP server over a real store.
type site struct {
	t       *testing.T
	srv     *httptest.Server
	store   *store.Store
	auth    *auth.Service
	records *records.Service
}

func newSite(t *testing.T, s *store.Store) *site {
	t.Helper()
	return newSiteWith(t, s, records.New(records.Config{Store: s}), nil)
}

// newSiteWith is newSite over a given records service, with more of the
// UI's configuration set by more (nil: none).
func newSiteWith(t *testing.T, s *store.Store, recs *records.Service, more func(*web.Config)) *site {
	t.Helper()
	a := auth.New(auth.Config{Store: s})
	cfg := web.Config{Records: recs, Auth: a, Insights: insights.New(insights.Config{Store: s}), Views: views.New(s, nil), Logger: slog.New(slog.DiscardHandler), BaseURL: "http://roster.test"}
	if more != nil {
		more(&cfg)
	}
	ui, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	ui.Register(mux, a.SessionMiddleware())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &site{t: t, srv: srv, store: s, auth: a, records: recs}
}

// browser is a cookie-keeping client that does not follow redirects, so
// tests see each 303.
type browser struct {
	t    *testing.T
	site *site
	c    *http.Client
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: s.t, site: s, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (int, string, http.Header) {
	b.t.Helper()
	resp, err := b.c.Get(b.site.srv.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func (b *browser) post(path string, form url.Values) (int, string, http.Header) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.site.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.site.srv.URL)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf reads the CSRF token from a page the browser loads.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	_, body, _ := b.get(path)
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no csrf_token on %s", path)
	}
	return m[1]
}

// signIn creates a workspace with an admin and signs the browser in.
func (s *site) signIn(b *browser) string {
	s.t.Helper()
	ws, _, err := s.auth.CreateWorkspace(context.Background(), auth.CreateWorkspaceParams{Name: "Acme", AdminEmail: "admin@acme.test", AdminPassword: "password-123", AdminName: "Ada Admin"})
	if err != nil {
		s.t.Fatal(err)
	}
	if code, _, _ := b.post("/login", url.Values{"email": {"admin@acme.test"}, "password": {"password-123"}}); code != http.StatusSeeOther {
		s.t.Fatalf("sign in: %d", code)
	}
	return ws.ID
}

// member adds a member with role to the workspace and signs a browser in.
func (s *site) member(wsID, email string, role auth.Role) *browser {
	s.t.Helper()
	if _, err := s.auth.AddMember(context.Background(), auth.AddMemberParams{WorkspaceID: wsID, Email: email, Name: "Mo Member", Password: "password-456", Role: role}); err != nil {
		s.t.Fatal(err)
	}
	b := s.browser()
	if code, _, _ := b.post("/login", url.Values{"email": {email}, "password": {"password-456"}}); code != http.StatusSeeOther {
		s.t.Fatalf("sign in as %s: %d", email, code)
	}
	return b
}
