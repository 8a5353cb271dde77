package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestRecordNew(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		site.signIn(b)
		for _, base := range []string{"/people", "/companies", "/opportunities"} {
			if code, body, _ := b.get(base + "/new"); code != 200 || !strings.Contains(body, `action="`+base+`/new"`) {
				t.Fatalf("GET %s/new = %d", base, code)
			}
		}
		csrf := b.csrf("/people/new")
		code, body, _ := b.post("/people/new", url.Values{"csrf_token": {csrf}, "f.name.firstName": {"Grace"}, "f.emails.primaryEmail": {"not-an-email"}})
		if code != http.StatusBadRequest || !strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(body, "not a valid email") {
			t.Fatalf("bad email = %d; want 400 with the field error", code)
		}
		code, _, h := b.post("/people/new", url.Values{"csrf_token": {csrf}, "f.name.firstName": {"Grace"}, "f.name.lastName": {"Hopper"}, "f.emails.primaryEmail": {"grace@navy.test"}})
		if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/people/") {
			t.Fatalf("create = %d %s", code, h.Get("Location"))
		}
		if code, body, _ := b.get(h.Get("Location")); code != 200 || !strings.Contains(body, "Grace Hopper") || !strings.Contains(body, "grace@navy.test") {
			t.Fatalf("the new person's page = %d", code)
		}
		code, _, h = b.post("/companies/new", url.Values{"csrf_token": {csrf}, "f.name": {"Navy"}, "f.employees": {"12"}})
		if code != http.StatusSeeOther {
			t.Fatalf("create company = %d", code)
		}
	})
}
