package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestSetupSignInSignOut(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		if code, _, h := b.get("/"); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Fatalf("GET / signed out = %d %s; want a redirect to /login", code, h.Get("Location"))
		}
		if code, _, h := b.get("/login"); code != http.StatusSeeOther || h.Get("Location") != "/setup" {
			t.Fatalf("GET /login with no workspace = %d %s; want /setup", code, h.Get("Location"))
		}
		code, body, _ := b.post("/setup", url.Values{"name": {"Acme"}, "email": {"not-an-email"}, "password": {"password-123"}})
		if code != http.StatusBadRequest || !strings.Contains(body, `id="email-error"`) {
			t.Fatalf("setup with a bad email = %d; want 400 with the email error", code)
		}
		code, _, h := b.post("/setup", url.Values{"name": {"Acme"}, "admin_name": {"Ada"}, "email": {"ada@acme.test"}, "password": {"password-123"}})
		if code != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Fatalf("setup = %d %s", code, h.Get("Location"))
		}
		code, body, h = b.get("/")
		if code != 200 || !strings.Contains(body, "Sign out") {
			t.Fatalf("home after setup = %d", code)
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP = %q; want strict", csp)
		}
		if code, _, _ := b.get("/setup"); code != http.StatusSeeOther {
			t.Error("setup stays open after the first workspace")
		}
		// Sign out needs the CSRF token.
		if code, _, _ := b.post("/logout", url.Values{}); code != http.StatusForbidden {
			t.Fatalf("logout without CSRF = %d; want 403", code)
		}
		if code, _, _ := b.post("/logout", url.Values{"csrf_token": {b.csrf("/")}}); code != http.StatusSeeOther {
			t.Fatalf("logout = %d", code)
		}
		if code, _, _ := b.get("/"); code != http.StatusSeeOther {
			t.Fatal("still signed in after sign out")
		}
		// Wrong password: a generic message; the cookie is HttpOnly and Lax.
		code, body, _ = b.post("/login", url.Values{"email": {"ada@acme.test"}, "password": {"nope-nope"}})
		if code != http.StatusUnauthorized || !strings.Contains(body, "do not match") {
			t.Fatalf("wrong password = %d", code)
		}
		code, _, h = b.post("/login", url.Values{"email": {"ada@acme.test"}, "password": {"password-123"}, "next": {"//evil.example/x"}})
		if code != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Fatalf("login with an off-site next = %d %s; want /", code, h.Get("Location"))
		}
		if c := h.Get("Set-Cookie"); !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
			t.Errorf("session cookie = %q", c)
		}
	})
}

func TestLoginRateLimitAndCrossSite(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		site.signIn(b)
		other := site.browser()
		for i := 0; i < 10; i++ {
			other.post("/login", url.Values{"email": {"admin@acme.test"}, "password": {"wrong-password"}})
		}
		if code, _, _ := other.post("/login", url.Values{"email": {"admin@acme.test"}, "password": {"password-123"}}); code != http.StatusTooManyRequests {
			t.Fatalf("11th attempt = %d; want 429 even with the right password", code)
		}
		req, _ := http.NewRequest("POST", site.srv.URL+"/logout", strings.NewReader("csrf_token="+b.csrf("/")))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site post = %d; want 403", resp.StatusCode)
		}
	})
}

func TestNotFoundPage(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		b := newSite(t, s).browser()
		code, body, _ := b.get("/no-such-page")
		if code != http.StatusNotFound || !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "<title>Not found") {
			t.Fatalf("GET /no-such-page = %d; want the UI's 404 page", code)
		}
	})
}
