package crm_test

import (
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
)

// TestWhopMembershipFilter parses the people filter on memberships: each
// sub-key targets the membership opportunity's field through the relation,
// the conditions of one object stay together, and mistakes name the path.
func TestWhopMembershipFilter(t *testing.T) {
	people := crm.NewSchema(crm.PersonObject, nil)
	f, err := people.ParseFilter(map[string]any{"whopMembership": map[string]any{
		"status": map[string]any{"in": []any{"active", "trialing"}}, "productId": map[string]any{"eq": "prod_1"},
		"cancelAtPeriodEnd": map[string]any{"eq": true},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range f.Conds {
		if c.Via != crm.WhopMembership {
			t.Errorf("%s: not through whopMembership", c.Path())
		}
		got[c.Path()] = c.Field.Name
	}
	want := map[string]string{"whopMembership.status": "whopMembershipStatus", "whopMembership.productId": "whopProductId", "whopMembership.cancelAtPeriodEnd": "whopCancelAtPeriodEnd"}
	if len(got) != len(want) {
		t.Fatalf("conditions %v; want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s compares %q; want %q", k, got[k], v)
		}
	}
	if f.Mentions("id") {
		t.Error("a whopMembership.id condition counts as mentioning the person's id")
	}

	for _, c := range []struct {
		name   string
		filter map[string]any
		field  string
		msg    string
	}{
		{"unknown sub-key", map[string]any{"whopMembership": map[string]any{"stage": map[string]any{"eq": "NEW"}}}, "whopMembership.stage", "known: id, status, productId"},
		{"wrong type", map[string]any{"whopMembership": map[string]any{"cancelAtPeriodEnd": map[string]any{"eq": "yes"}}}, "whopMembership.cancelAtPeriodEnd", "boolean"},
		{"not an object", map[string]any{"whopMembership": "active"}, "filter.whopMembership", "object"},
		{"ordering operator on a boolean", map[string]any{"whopMembership": map[string]any{"cancelAtPeriodEnd": map[string]any{"gt": true}}}, "whopMembership.cancelAtPeriodEnd", "does not apply"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := people.ParseFilter(c.filter)
			e, ok := crm.AsError(err)
			if !ok || e.Field != c.field || !strings.Contains(e.Message, c.msg) {
				t.Fatalf("error %v; want field %s with %q", err, c.field, c.msg)
			}
		})
	}
	if _, err := people.Condition("whopMembership", "eq", "x", true); err == nil || !strings.Contains(err.Error(), "use one of its fields") {
		t.Errorf("bare whopMembership: %v; want a hint at its fields", err)
	}
	if _, err := people.OrderBy("whopMembership.renewalDate", "AscNullsLast"); err == nil {
		t.Error("ordering people by a membership field succeeded; a person may have several")
	}
	companies := crm.NewSchema(crm.CompanyObject, nil)
	if _, err := companies.Condition("whopMembership.status", "eq", "active", true); err == nil {
		t.Error("companies accept whopMembership; only people have it")
	}
}
