package whopsim

import (
	"encoding/json"
	"testing"
)

// TestAppendJSONMatchesEncodingJSON holds the hand encoder to
// encoding/json's output on everything the simulator renders.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{}, GenerateParams{Users: 60})
	st := f.sim.st
	var values []obj
	for _, v := range []view{{email: true}, {list: true}, {unix: true}} {
		for _, m := range st.memberships.rows {
			values = append(values, st.renderMembership(v, m), st.renderMember(v, mustGet(st.members, m.MemberID)))
		}
		for _, p := range st.payments.rows {
			values = append(values, st.renderPayment(v, p))
		}
		for _, p := range st.plans.rows {
			values = append(values, st.renderPlan(v, p))
		}
		for _, p := range st.products.rows {
			values = append(values, st.renderProduct(v, p))
		}
		for _, u := range st.users.rows {
			values = append(values, st.renderUser(v, u))
		}
	}
	values = append(values, obj{"s": "quote\" back\\ nl\n tab\t ctl\x01 html<>& uni é \u2028 bad\xff", "f": 9.99, "g": 1e-7, "n": -3.0, "list": []obj{{"a": nil}}})
	for _, v := range values {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSON(nil, v); string(got) != string(want) {
			t.Fatalf("appendJSON = %s\nwant           %s", got, want)
		}
	}
}

func mustGet[T any](t *table[T], id string) *T {
	r, _ := t.get(id)
	return r
}
