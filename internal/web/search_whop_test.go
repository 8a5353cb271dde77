package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestSearchFindsWhopIdentifiers: the palette and the people table find a
// synced person by Whop username, user ID, membership ID and the email Whop
// gave with the membership (here not the person's own), and the palette
// finds the membership's opportunity by its ID. Another workspace's
// membership is never a hit.
func TestSearchFindsWhopIdentifiers(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSettingsSite(t, s, true)
		b := site.browser()
		ws := site.signIn(b)
		ctx := context.Background()
		grace := homeCreate(t, site.records, ws, crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Grace", "lastName": "Hopper"},
			"emails": map[string]any{"primaryEmail": "grace@navy.test"}, "whopUserId": "user_G7hK2mQ9", "whopUsername": "amazinggrace"})
		deal := homeCreate(t, site.records, ws, crm.OpportunityObject, crm.Input{"name": "Pickaxe Pro - Grace", "pointOfContactId": grace, "whopMembershipId": "mem_Q8zT4xW1"})
		homeCreate(t, site.records, ws, crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Alan", "lastName": "Turing"}, "emails": map[string]any{"primaryEmail": "alan@bletchley.test"}})
		other := homeOtherWorkspace(t, site.site)
		eve := homeCreate(t, site.records, other, crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Eve", "lastName": "Other"}, "whopUserId": "user_Eve00001"})
		save := func(ws, mem, person, email string) {
			err := s.InTx(ctx, func(tx *sql.Tx) error {
				return s.WhopMembershipStatesSave(ctx, tx, []*store.WhopMembershipState{{WorkspaceID: ws, WhopID: mem, Status: "active", UserWhopID: "user_x",
					UserEmail: email, PersonID: &person}}, time.Now())
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		save(ws, "mem_Q8zT4xW1", grace, "Grace.Billing@Navy.test")
		save(other, "mem_Zz999999", eve, "eve.billing@other.test")

		for _, q := range []string{"amazinggr", "user_G7hK", "mem_Q8zT", "grace.billing@navy", "GRACE.BILLING"} {
			t.Run(q, func(t *testing.T) {
				var person, opp bool
				for _, h := range b.searchJSON(q) {
					person = person || h.URL == "/people/"+grace
					opp = opp || h.URL == "/opportunities/"+deal
					if strings.Contains(h.Label, "Alan") || strings.Contains(h.Label, "Eve") {
						t.Errorf("palette %q found %q", q, h.Label)
					}
				}
				if !person {
					t.Errorf("palette %q does not find Grace", q)
				}
				if strings.HasPrefix(q, "mem_") && !opp {
					t.Errorf("palette %q does not find the membership's opportunity", q)
				}
				code, body, _ := b.get("/people?q=" + url.QueryEscape(q))
				if code != http.StatusOK || !strings.Contains(body, "Grace Hopper") || strings.Contains(body, "Alan Turing") {
					t.Errorf("people table ?q=%s = %d; want Grace Hopper only", q, code)
				}
			})
		}
		for _, q := range []string{"user_Eve0", "mem_Zz99", "eve.billing"} {
			for _, h := range b.searchJSON(q) {
				if h.Kind == "person" {
					t.Errorf("palette %q found %q of another workspace", q, h.Label)
				}
			}
		}
	})
}
