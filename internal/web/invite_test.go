package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestInviteFlow(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSettingsSite(t, s, false)
		admin := site.browser()
		site.signIn(admin)
		code, body, _ := admin.settingsPost("/settings/members", "/settings/members/invite", url.Values{"email": {"not-an-email"}, "role": {"member"}})
		if code != http.StatusBadRequest || !strings.Contains(body, `id="email-error"`) || !strings.Contains(body, `aria-invalid="true"`) {
			t.Fatalf("invite a bad email = %d; want 400 with email-error", code)
		}
		code, body, _ = admin.settingsPost("/settings/members", "/settings/members/invite", url.Values{"email": {"admin@acme.test"}, "role": {"member"}})
		if code != http.StatusBadRequest || !strings.Contains(body, "already a member") {
			t.Fatalf("invite a member = %d; want 400 already a member", code)
		}
		code, body, _ = admin.settingsPost("/settings/members", "/settings/members/invite", url.Values{"email": {"bob@acme.test"}, "role": {"member"}})
		if code != http.StatusOK {
			t.Fatalf("invite = %d", code)
		}
		link := settingsLinkIn(t, body, "http://roster.test/invite/")
		if !strings.Contains(body, "No email was sent") {
			t.Error("invite page: want it to say the log driver sent no email")
		}
		if logged := site.logs.String(); strings.Contains(logged, strings.TrimPrefix(link, "http://roster.test/invite/")) {
			t.Errorf("log = %q; want no invite token in it", logged)
		}
		if got := admin.outboxLink("http://roster.test/invite/"); got != link {
			t.Errorf("outbox link = %q; want %q", got, link)
		}
		if _, list, _ := admin.get("/settings/members"); strings.Contains(list, link) || !strings.Contains(list, "bob@acme.test") {
			t.Error("members page: want the open invite listed and the link not shown again")
		}
		path := strings.TrimPrefix(link, "http://roster.test")

		bob := site.browser()
		if code, body, _ := bob.get(path); code != http.StatusOK || !strings.Contains(body, "Join Acme") {
			t.Fatalf("GET invite = %d; want the join form", code)
		}
		code, body, _ = bob.post(path, url.Values{"name": {"Bob"}, "password": {"short"}})
		if code != http.StatusBadRequest || !strings.Contains(body, `id="password-error"`) {
			t.Fatalf("accept with a short password = %d; want 400 with password-error", code)
		}
		code, _, h := bob.post(path, url.Values{"name": {"Bob"}, "password": {"password-bob"}})
		if code != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Fatalf("accept = %d %s; want 303 to /", code, h.Get("Location"))
		}
		if code, body, _ := bob.get("/settings/members"); code != http.StatusOK || !strings.Contains(body, "Bob") {
			t.Fatalf("Bob's members page = %d; want him signed in", code)
		}
		if code, _, _ := bob.get("/settings/api-keys"); code != http.StatusForbidden {
			t.Errorf("Bob (member) GET api keys = %d; want 403", code)
		}
		eve := site.browser()
		if code, _, _ := eve.get(path); code != http.StatusNotFound {
			t.Errorf("GET a used invite = %d; want 404", code)
		}
		if code, _, _ := eve.post(path, url.Values{"name": {"Eve"}, "password": {"password-eve"}}); code != http.StatusNotFound {
			t.Errorf("accept a used invite = %d; want 404", code)
		}
		if code, _, _ := eve.get("/invite/unknowntoken"); code != http.StatusNotFound {
			t.Errorf("GET an unknown invite = %d; want 404", code)
		}
	})
}
