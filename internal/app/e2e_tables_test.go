package app

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/browsertest"
)

// stepFilterStatus filters People by membership status (active) and checks
// every row says so.
func stepFilterStatus(t *testing.T, s *flowState) {
	p := s.p
	p.Navigate("/people")
	p.Click(label("Active"))
	p.ClickNav(label("Apply"))
	if !strings.Contains(p.Path(), "status=active") {
		t.Errorf("after filtering the address is %s; want status=active", p.Path())
	}
	rows := browsertest.Eval[int](p, `document.querySelectorAll("[data-testid=records-table] tbody tr").length`)
	if rows == 0 {
		t.Fatal("no active members after the sync; want some")
	}
	checkPage(t, p, "people-filtered")
	p.DocsImage("people", 1280)
	p.DocsImage("people-360", 360)
	s.filteredPath = p.Path()
	s.filteredRows = rows
}

// stepExport downloads the filtered view as CSV, as the Export link does,
// and checks it holds the same people.
func stepExport(t *testing.T, s *flowState) {
	p := s.p
	p.Navigate(s.filteredPath)
	href := browsertest.Eval[string](p, `document.querySelector("a[download]")?.getAttribute("href") || ""`)
	if !strings.Contains(href, "export.csv") || !strings.Contains(href, "status=active") {
		t.Fatalf("Export link %q; want the filtered view's export.csv", href)
	}
	res := p.Fetch(href)
	if res.Status != 200 || !strings.HasPrefix(res.ContentType, "text/csv") {
		t.Fatalf("export: %d %s; want 200 text/csv", res.Status, res.ContentType)
	}
	if !strings.Contains(res.ContentDisposition, "attachment") {
		t.Errorf("export Content-Disposition %q; want an attachment", res.ContentDisposition)
	}
	recs, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v", err)
	}
	if len(recs)-1 < s.filteredRows {
		t.Errorf("export has %d rows; want at least the %d shown on the first page", len(recs)-1, s.filteredRows)
	}
}
