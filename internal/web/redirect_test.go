package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestOffSiteRedirects tries targets that browsers read as another host
// through both places that redirect to a caller-chosen path.
func TestOffSiteRedirects(t *testing.T) {
	attacks := []string{"/\t/evil.example", "/\n/evil.example", "/\\evil.example", "//evil.example", "https://evil.example", "/%2F/evil.example"}
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		ws := site.signIn(b)
		for _, next := range attacks {
			t.Run("login next "+url.QueryEscape(next), func(t *testing.T) {
				if _, body, _ := site.browser().get("/login?next=" + url.QueryEscape(next)); !strings.Contains(body, `name="next" value=""`) {
					t.Errorf("login page carries next %q into its form", next)
				}
				code, _, h := site.browser().post("/login", url.Values{"email": {"admin@acme.test"}, "password": {"password-123"}, "next": {next}})
				if code != http.StatusSeeOther || h.Get("Location") != "/" {
					t.Errorf("sign in with next %q = %d %s; want 303 to /", next, code, h.Get("Location"))
				}
			})
		}
		id := site.create(ws, crm.OpportunityObject, crm.Input{"name": "Pickaxe", "stage": "NEW"}).Meta().ID
		csrf := b.csrf("/pipeline")
		for _, back := range attacks {
			t.Run("stage back "+url.QueryEscape(back), func(t *testing.T) {
				_, _, h := b.post("/opportunities/"+id+"/stage", url.Values{"csrf_token": {csrf}, "stage": {"MEETING"}, "back": {back}})
				if h.Get("Location") != "/opportunities/"+id {
					t.Errorf("back %q: Location = %s; want the record", back, h.Get("Location"))
				}
			})
		}
	})
}
