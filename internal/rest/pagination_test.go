package rest_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestOrderingAndCursors(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		run(t, e, []scenario{
			{Name: "two keys, custom nulls last", Method: "GET", URL: "/rest/people?order_by=" + q("tier[AscNullsLast],name.firstName"), ExpectedStatus: 200, Names: "people=Ada,Grace,Alan,Linus"},
			{Name: "custom desc nulls first", Method: "GET", URL: "/rest/people?order_by=" + q("tier[DescNullsFirst], name.firstName[DescNullsLast]"), ExpectedStatus: 200, Names: "people=Linus,Alan,Grace,Ada"},
			{Name: "custom number desc", Method: "GET", URL: "/rest/people?order_by=" + q("score[DescNullsLast],name.firstName") + "&filter=" + q("score[is]:NOT_NULL"), ExpectedStatus: 200, Names: "people=Ada,Grace"},
			{Name: "composite sub-field", Method: "GET", URL: "/rest/people?order_by=emails.primaryEmail", ExpectedStatus: 200, Names: "people=Ada,Alan,Grace,Linus"},
			{Name: "companies by number", Method: "GET", URL: "/rest/companies?order_by=" + q("employees[DescNullsLast]"), ExpectedStatus: 200, Names: "companies=Acme,Globex"},
		})

		type page struct {
			names      string
			next, prev bool
			start, end string
			total      float64
		}
		fetch := func(query string) page {
			t.Helper()
			res := e.do("A", "GET", "/rest/people?order_by="+q("name.firstName[DescNullsLast]")+"&limit=2"+query, "")
			if res.status != 200 {
				t.Fatalf("GET %s = %d\n%s", query, res.status, res.body)
			}
			var p page
			p.names = strings.Join(names(res.json, "people"), ",")
			n, _ := get(res.json, "pageInfo.hasNextPage")
			pv, _ := get(res.json, "pageInfo.hasPreviousPage")
			p.next, p.prev = n == true, pv == true
			sc, _ := get(res.json, "pageInfo.startCursor")
			ec, _ := get(res.json, "pageInfo.endCursor")
			p.start, _ = sc.(string)
			p.end, _ = ec.(string)
			tc, _ := get(res.json, "totalCount")
			p.total, _ = tc.(float64)
			return p
		}
		first := fetch("")
		if first.names != "Linus,Grace" || !first.next || first.prev || first.total != 4 || first.start == "" || first.end == "" {
			t.Fatalf("first page = %+v; want Linus,Grace with a next page and totalCount 4", first)
		}
		second := fetch("&starting_after=" + url.QueryEscape(first.end))
		if second.names != "Alan,Ada" || second.next || !second.prev || second.total != 4 {
			t.Fatalf("second page = %+v; want Alan,Ada, no next page, a previous page", second)
		}
		back := fetch("&ending_before=" + url.QueryEscape(second.start))
		if back.names != "Linus,Grace" || back.prev || !back.next {
			t.Fatalf("page before the second = %+v; want Linus,Grace, no previous page, a next page", back)
		}
		empty := fetch("&starting_after=" + url.QueryEscape(second.end))
		if empty.names != "" || empty.next || empty.start != "" || empty.end != "" {
			t.Fatalf("page after the last = %+v; want empty with null cursors", empty)
		}
		// A cursor from one ordering is refused under an ordering with more keys.
		res := e.do("A", "GET", "/rest/people?order_by=city,jobTitle&starting_after="+url.QueryEscape(first.end), "")
		if code, _ := get(res.json, "error.code"); res.status != 400 || code != "MALFORMED_CURSOR" {
			t.Errorf("cursor under another ordering = %d %v; want 400 MALFORMED_CURSOR", res.status, code)
		}

		// Walk everything one record at a time with the default order, forwards
		// then backwards, and see every record exactly once each way.
		var fwd []string
		after := ""
		for i := 0; i < 10; i++ {
			res := e.do("A", "GET", "/rest/people?limit=1&starting_after="+url.QueryEscape(after), "")
			fwd = append(fwd, names(res.json, "people")...)
			c, _ := get(res.json, "pageInfo.endCursor")
			after = c.(string)
			if more, _ := get(res.json, "pageInfo.hasNextPage"); more != true {
				break
			}
		}
		var bwd []string
		before := after
		res = e.do("A", "GET", "/rest/people?limit=1&starting_after="+url.QueryEscape(after), "")
		if n := len(names(res.json, "people")); n != 0 {
			t.Fatalf("after the last record got %d records", n)
		}
		// Step back from the last record's cursor.
		lastName := fwd[len(fwd)-1]
		bwd = append(bwd, lastName)
		for i := 0; i < 10; i++ {
			res := e.do("A", "GET", "/rest/people?limit=1&ending_before="+url.QueryEscape(before), "")
			got := names(res.json, "people")
			bwd = append(got, bwd...)
			if more, _ := get(res.json, "pageInfo.hasPreviousPage"); more != true {
				break
			}
			c, _ := get(res.json, "pageInfo.startCursor")
			before = c.(string)
		}
		if strings.Join(fwd, ",") != strings.Join(bwd, ",") || len(fwd) != 4 {
			t.Errorf("forward walk = %v, backward walk = %v; want the same 4 people", fwd, bwd)
		}
	})
}
