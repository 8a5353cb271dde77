package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// wideCSV is a header of cols columns and one data row of cells of the
// given width.
func wideCSV(cols, cellBytes int) string {
	header := make([]string, cols)
	row := make([]string, cols)
	for i := range header {
		header[i] = "c"
		row[i] = strings.Repeat("x", cellBytes)
	}
	header[0] = "email"
	row[0] = "ada@example.com"
	return strings.Join(header, ",") + "\n" + strings.Join(row, ",") + "\n"
}

func TestImportCaps(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		site.signIn(b)
		tests := []struct {
			Name, CSV, Want string
		}{
			{"400,000 columns", wideCSV(400_000, 1), "Row 1 has 400000 columns; the limit is 200."},
			{"201 columns in a data row", "email\nada@example.com" + strings.Repeat(",x", 200) + "\n", "Row 2 has 201 columns; the limit is 200."},
			{"a cell over 10 KiB", "email,note\nada@example.com," + strings.Repeat("x", 10<<10+1) + "\n", "Row 2, column 2 holds 11 KiB; the limit is 10 KiB per cell."},
			{"a row over 64 KiB", wideCSV(200, 400), "Row 2 is 78 KiB long; the limit is 64 KiB per row."},
		}
		for _, tt := range tests {
			t.Run(tt.Name, func(t *testing.T) {
				code, body, h := b.upload("person", "wide.csv", []byte(tt.CSV))
				if code != http.StatusBadRequest {
					t.Fatalf("upload = %d %s; want 400", code, h.Get("Location"))
				}
				if !strings.Contains(body, tt.Want) {
					t.Errorf("upload page does not say %q:\n%s", tt.Want, body)
				}
				if len(body) > 64<<10 {
					t.Errorf("the refusal page is %d bytes; want it small", len(body))
				}
			})
		}
		t.Run("200 columns are mapped", func(t *testing.T) {
			_, page := importTo(t, b, "person", wideCSV(200, 10), nil)
			if n := strings.Count(page, "<select id=\"map_"); n != 200 {
				t.Errorf("mapping page has %d column selects; want 200", n)
			}
			if !strings.Contains(page, "ada@example.com") {
				t.Error("mapping page shows no sample value")
			}
		})
	})
}
