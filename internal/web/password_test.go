package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestPasswordResetFlow(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSettingsSite(t, s, false)
		old := site.browser()
		site.signIn(old)
		b := site.browser()
		if code, _, _ := b.get("/password/forgot"); code != http.StatusOK {
			t.Fatalf("GET forgot = %d", code)
		}
		_, unknown, _ := b.post("/password/forgot", url.Values{"email": {"nobody@acme.test"}})
		if _, list, _ := old.get("/settings/email"); !strings.Contains(list, "No emails yet") {
			t.Fatal("an email was made for an unknown address")
		}
		code, known, _ := b.post("/password/forgot", url.Values{"email": {"admin@acme.test"}})
		if code != http.StatusOK || !strings.Contains(known, "If an account exists") {
			t.Fatalf("forgot = %d", code)
		}
		if strings.ReplaceAll(unknown, "nobody@acme.test", "X") != strings.ReplaceAll(known, "admin@acme.test", "X") {
			t.Error("the answers for a known and an unknown email differ")
		}
		if !strings.Contains(known, "Settings → Email") {
			t.Error("forgot page: want it to say where the unsent link waits")
		}
		link := old.outboxLink("http://roster.test/password/reset/")
		if strings.Contains(site.logs.String(), strings.TrimPrefix(link, "http://roster.test/password/reset/")) {
			t.Errorf("log = %q; want no reset token in it", site.logs.String())
		}
		path := strings.TrimPrefix(link, "http://roster.test")
		if code, _, _ := b.get(path); code != http.StatusOK {
			t.Fatalf("GET reset = %d", code)
		}
		cases := []struct {
			name, password, confirm, errID string
		}{
			{"mismatch", "new-password-1", "new-password-2", "password_confirm-error"},
			{"short", "short", "short", "password-error"},
		}
		for _, c := range cases {
			code, body, _ := b.post(path, url.Values{"password": {c.password}, "password_confirm": {c.confirm}})
			if code != http.StatusBadRequest || !strings.Contains(body, `id="`+c.errID+`"`) {
				t.Errorf("%s: reset = %d; want 400 with %s", c.name, code, c.errID)
			}
		}
		code, _, h := b.post(path, url.Values{"password": {"new-password-1"}, "password_confirm": {"new-password-1"}})
		if code != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Fatalf("reset = %d %s", code, h.Get("Location"))
		}
		if code, _, _ := b.get("/settings"); code != http.StatusOK {
			t.Errorf("after reset GET /settings = %d; want signed in", code)
		}
		if code, _, _ := old.get("/settings"); code != http.StatusSeeOther {
			t.Errorf("the other session after reset = %d; want it ended", code)
		}
		if code, _, _ := site.browser().post("/login", url.Values{"email": {"admin@acme.test"}, "password": {"new-password-1"}}); code != http.StatusSeeOther {
			t.Errorf("sign in with the new password = %d", code)
		}
		if code, _, _ := b.get(path); code != http.StatusNotFound {
			t.Errorf("reuse the link = %d; want 404", code)
		}
		if code, _, _ := b.settingsPost("/settings", path, url.Values{"password": {"new-password-2"}, "password_confirm": {"new-password-2"}}); code != http.StatusNotFound {
			t.Errorf("post to a used link = %d; want 404", code)
		}
		// An hour later a fresh link has expired.
		site.browser().post("/password/forgot", url.Values{"email": {"admin@acme.test"}})
		fresh := strings.TrimPrefix(b.outboxLink("http://roster.test/password/reset/"), "http://roster.test")
		site.clock.Advance(auth.ResetTTL + time.Minute)
		if code, _, _ := site.browser().get(fresh); code != http.StatusNotFound {
			t.Errorf("GET an expired link = %d; want 404", code)
		}
	})
}
