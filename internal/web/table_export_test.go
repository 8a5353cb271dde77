package web_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestExportCSV(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		ws := site.signIn(b)
		tblSeed(t, site, ws)
		tricky := tblPerson(`Quote "Q", Comma`, "Line\nBreak", "tricky@x.test", "=HYPERLINK(\"http://evil.test\")")
		tblCreate(t, site.records, ws, crm.PersonObject, tricky,
			tblPerson("+Plus", "", "plus@x.test", "-Minus"), tblPerson("@At", "", "at@x.test", "\tTab"))

		read := func(path string) [][]string {
			t.Helper()
			code, body, h := b.get(path)
			if code != http.StatusOK {
				t.Fatalf("GET %s = %d", path, code)
			}
			if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
				t.Errorf("Content-Type = %q", ct)
			}
			if cd := h.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") || !strings.Contains(cd, ".csv") {
				t.Errorf("Content-Disposition = %q", cd)
			}
			rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatalf("export of %s is not CSV: %v\n%s", path, err, body)
			}
			return rows
		}

		// Exactly the filtered view, with the chosen columns, in its order.
		rows := read("/people/export.csv?f=city&o=eq&v=Berlin&c=email&c=company&c=whop&sort=name&dir=asc")
		want := [][]string{{"Name", "Email", "Company", "Whop"}, {"Ada Lovelace", "ada@x.test", "Acme", "Whop ada_l"}, {"Cy Young", "cy@x.test", "", "Whop cy"}}
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Errorf("filtered export = %q; want %q", rows, want)
		}
		rows = read("/people/export.csv?status=active&c=email")
		if len(rows) != 2 || rows[1][0] != "Ada Lovelace" {
			t.Errorf("Whop-filtered export = %q; want Ada only", rows)
		}
		rows = read("/opportunities/export.csv?synced=1&c=status&c=renewal&c=contact&sort=name&dir=asc")
		// Columns come in the table's order, whatever the URL's order.
		want = [][]string{{"Name", "Membership status", "Point of contact", "Renews"}, {"Ada / Pro", "Active", "Ada Lovelace", "2030-01-15"}, {"Cy / Basic", "Past due", "Cy Young", "2030-03-01"}}
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Errorf("opportunities export = %q; want %q", rows, want)
		}

		// Escaping round-trips through a CSV reader; formulas are defused.
		rows = read("/people/export.csv?q=x.test&c=city&sort=name&dir=asc")
		got := map[string]string{}
		for _, r := range rows[1:] {
			got[r[0]] = r[1]
		}
		for name, city := range map[string]string{
			"'+Plus":                         "'-Minus",
			"'@At":                           "'\tTab",
			"Quote \"Q\", Comma Line\nBreak": "'=HYPERLINK(\"http://evil.test\")",
		} {
			if c, ok := got[name]; !ok || c != city {
				t.Errorf("export row %q city = %q (present %v); want %q", name, c, ok, city)
			}
		}
	})
}

func TestExportStreamsEveryPage(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		ws := site.signIn(b)
		const n = 450 // more than two export pages
		var in []crm.Input
		for i := range n {
			in = append(in, tblPerson(fmt.Sprintf("P%03d", i), "", fmt.Sprintf("p%03d@x.test", i), ""))
		}
		tblCreate(t, site.records, ws, crm.PersonObject, in...)
		_, body, _ := b.get("/people/export.csv?sort=name&dir=desc&c=email")
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != n+1 {
			t.Fatalf("export has %d rows; want %d and a header", len(rows)-1, n)
		}
		for i, r := range rows[1:] {
			if want := fmt.Sprintf("P%03d", n-1-i); r[0] != want {
				t.Fatalf("row %d = %q; want %q (order or duplicates across pages)", i, r[0], want)
			}
		}
		// The page links to the export of exactly its view.
		_, page, _ := b.get("/people?sort=name&dir=desc&c=email")
		if !strings.Contains(page, `href="/people/export.csv?c=email&amp;dir=desc&amp;sort=name"`) {
			t.Error("Export CSV link does not carry the view")
		}
	})
}
