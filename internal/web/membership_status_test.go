package web_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestStatusBadgeSameEverywhere renders one membership per status on every
// page that shows a status badge (opportunities table, record page, a
// person's related list, pipeline card) and wants the same word and the
// same colour on all of them: the pages used to disagree about canceling.
func TestStatusBadgeSameEverywhere(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		ws := site.signIn(b)
		for _, tc := range []struct{ status, label, class string }{
			{"active", "Active", "badge-success"},
			{"canceling", "Canceling", "badge-warning"},
			{"past_due", "Past due", "badge-danger"},
			{"drafted", "Drafted", ""},
		} {
			t.Run(tc.status, func(t *testing.T) {
				p := site.create(ws, crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Badge", "lastName": tc.status}})
				o := site.create(ws, crm.OpportunityObject, crm.Input{"name": "Plan " + tc.status, "stage": "CUSTOMER", "pointOfContactId": p.Meta().ID,
					"whopMembershipId": "mem_" + tc.status, "whopMembershipStatus": tc.status})
				// A badge is <span class="badge CLASS">(hidden words)LABEL</span>.
				badge := regexp.MustCompile(`class="badge ?([a-z-]*)"(?: data-testid="[^"]*")?>(?:<span class="visually-hidden">[^<]*</span>)?` + regexp.QuoteMeta(tc.label) + `</span>`)
				for _, page := range []struct{ name, path string }{
					{"opportunities table", "/opportunities"},
					{"opportunity page", "/opportunities/" + o.Meta().ID},
					{"person page", "/people/" + p.Meta().ID},
					{"pipeline", "/pipeline"},
				} {
					code, body, _ := b.get(page.path)
					if code != http.StatusOK {
						t.Fatalf("GET %s = %d", page.path, code)
					}
					m := badge.FindStringSubmatch(body)
					if m == nil {
						t.Errorf("%s: no badge reading %q", page.name, tc.label)
						continue
					}
					if m[1] != tc.class {
						t.Errorf("%s: badge %q has class %q; want %q", page.name, tc.label, m[1], tc.class)
					}
				}
			})
		}
	})
}
