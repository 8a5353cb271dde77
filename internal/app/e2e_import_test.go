package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/browsertest"
)

// importCSV has one bad row (an email that is not one) among good ones.
const importCSV = `First name,Last name,Email,City
Grace,Hopper,grace.hopper@navy.example,Arlington
Alan,Turing,not-an-email,Manchester
Ada,Lovelace,ada@engine.example,London
`

// stepImport uploads a CSV of people, keeps the suggested column mapping,
// sees the bad row in the preview with its error, imports the rest and
// finds an imported person in the table.
func stepImport(t *testing.T, s *flowState) {
	p := s.p
	file := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(file, []byte(importCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	p.Navigate("/import")
	checkPage(t, p, "import")
	p.Select(label("What the file holds"), "person")
	p.Upload(css("#csv_file"), file) // a file input's accessible name includes "No file chosen"
	p.ClickNav(label("Upload"))
	if !strings.HasSuffix(strings.SplitN(p.Path(), "?", 2)[0], "/map") {
		t.Fatalf("after upload the browser is at %s; want the column mapping", p.Path())
	}
	checkPage(t, p, "import-map")
	p.ClickNav(label("Preview"))
	if got := p.Text(css(`[data-testid="import-invalid"]`)); got != "1" {
		t.Errorf("rows with errors = %q; want 1", got)
	}
	if got := p.Text(css(`[data-testid="import-valid"]`)); got != "2" {
		t.Errorf("rows to import = %q; want 2", got)
	}
	errs := p.Text(css(`[data-testid="import-errors"] tbody`))
	if !strings.Contains(errs, "not-an-email") || !strings.Contains(strings.ToLower(errs), "email") {
		t.Errorf("error rows %q; want the row with not-an-email and an email error", errs)
	}
	checkPage(t, p, "import-preview")
	p.DocsImage("import-preview", 1280)
	p.ClickNav(label("Import"))
	if got := p.Text(css(`[data-testid="import-created"]`)); got != "2" {
		t.Errorf("created = %q; want 2", got)
	}
	if got := p.Text(css(`[data-testid="import-skipped"]`)); got != "1" {
		t.Errorf("skipped = %q; want 1", got)
	}
	checkPage(t, p, "import-done")
	p.Navigate("/people?q=Lovelace")
	if got := browsertest.Eval[string](p, `document.querySelector("[data-testid=records-table] tbody")?.innerText || ""`); !strings.Contains(got, "Lovelace") {
		t.Errorf("People searched for Lovelace: %q; want the imported person", got)
	}

	// Companies import the same way, matched by domain.
	file = filepath.Join(t.TempDir(), "companies.csv")
	if err := os.WriteFile(file, []byte("Name,Domain\nNorthwind Traders,northwind.example\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p.Navigate("/import")
	p.Select(label("What the file holds"), "company")
	p.Upload(css("#csv_file"), file)
	p.ClickNav(label("Upload"))
	p.ClickNav(label("Preview"))
	p.ClickNav(label("Import"))
	if got := p.Text(css(`[data-testid="import-created"]`)); got != "1" {
		t.Errorf("companies created = %q; want 1", got)
	}
}
