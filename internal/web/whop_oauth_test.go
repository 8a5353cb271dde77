package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// oauthStart opens /auth/whop for company in the browser and, when it
// redirects to Whop, returns the consent URL and its state.
func (b *browser) oauthStart(company string) (code int, body, consent, state string) {
	b.t.Helper()
	code, body, h := b.get("/auth/whop?company_id=" + url.QueryEscape(company))
	if code != http.StatusFound {
		return code, body, "", ""
	}
	u, err := url.Parse(h.Get("Location"))
	if err != nil {
		b.t.Fatal(err)
	}
	return code, body, u.String(), u.Query().Get("state")
}

// approvedCallback runs the flow to the callback URL, approved at Whop,
// and returns it as a path on Roster.
func (s *settingsSite) approvedCallback(b *browser) string {
	s.t.Helper()
	code, body, consent, state := b.oauthStart(s.company)
	if code != http.StatusFound || !strings.Contains(consent, "/oauth/authorize?") {
		s.t.Fatalf("GET /auth/whop = %d %s; want 302 to Whop's consent page", code, body)
	}
	resp, err := http.Get(consent) // Whop's consent page records the pending request
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("consent page = %d", resp.StatusCode)
	}
	cb, err := s.sim.ApprovePending(state, true)
	if err != nil {
		s.t.Fatal(err)
	}
	return strings.TrimPrefix(cb, s.srv.URL)
}

// TestWhopOAuthPages drives the two hops of connecting by OAuth through
// HTTP: who may start (401 signed out, 403 a member, 400 without a
// company), the redirect to Whop, the callback's outcome page and the
// status of each refusal (a tampered or replayed state, denied consent,
// Whop failing).
func TestWhopOAuthPages(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSettingsSite(t, s, true)
		admin := site.browser()
		ws := site.signIn(admin)
		member := site.member(ws, "mo@acme.test", auth.RoleMember)

		expect := func(name string, code int, body string, wantCode int, text string) {
			t.Helper()
			if code != wantCode || !strings.Contains(body, text) {
				t.Errorf("%s: %d %s; want %d mentioning %q", name, code, body, wantCode, text)
			}
		}
		code, body, _, _ := site.browser().oauthStart(site.company)
		expect("start signed out", code, body, http.StatusUnauthorized, "sign in")
		code, body, _, _ = member.oauthStart(site.company)
		expect("start as member", code, body, http.StatusForbidden, "admin")
		code, body, _, _ = admin.oauthStart("")
		expect("start without company", code, body, http.StatusBadRequest, "company_id")

		cb := site.approvedCallback(admin)
		code, body, _ = admin.get(strings.Replace(cb, "state=", "state=x", 1))
		expect("tampered state", code, body, http.StatusBadRequest, "Whop was not connected")
		code, body, _ = site.browser().get(cb)
		expect("callback signed out", code, body, http.StatusUnauthorized, "sign in")
		code, body, hdr := admin.get(cb)
		expect("callback", code, body, http.StatusOK, "Whop connected")
		st, err := site.whop.Status(context.Background(), ws)
		if err != nil || !st.Connected || st.Method != "oauth" || !strings.Contains(body, "Connected as "+st.Handle) {
			t.Fatalf("after the callback: Status() = %+v, %v; want connected by OAuth, the page naming %q", st, err, st.Handle)
		}
		if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || hdr.Get("Cache-Control") != "no-store" {
			t.Errorf("callback headers = %v; want the UI's CSP and no-store", hdr)
		}
		code, body, _ = admin.get(cb)
		expect("replayed callback", code, body, http.StatusBadRequest, "already used")

		// Denied at Whop: the browser comes back with an error.
		_, _, _, state := admin.oauthStart(site.company)
		code, body, _ = admin.get("/auth/whop/callback?state=" + url.QueryEscape(state) + "&error=access_denied&error_description=" + url.QueryEscape("The user said no"))
		expect("denied", code, body, http.StatusBadRequest, "did not grant access (access_denied): The user said no")

		// Whop failing to exchange the code: a 502 the person can retry,
		// with nothing of Whop's answer shown.
		cb = site.approvedCallback(admin)
		site.whopDown.Store(true)
		code, body, _ = admin.get(cb)
		site.whopDown.Store(false)
		expect("Whop down", code, body, http.StatusBadGateway, "try again")
		if strings.Contains(body, "upstream unavailable") {
			t.Error("the 502 page shows Whop's answer")
		}
	})
}
