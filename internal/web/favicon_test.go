package web_test

import (
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestFavicon: the layout links an icon, and /favicon.ico (what browsers
// and tools ask for without reading the page) answers with it instead of a
// 404.
func TestFavicon(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		b := newSite(t, s).browser()
		_, page, _ := b.get("/setup") // a fresh site shows the first-run page
		if !strings.Contains(page, `<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">`) {
			t.Error("the layout links no icon")
		}
		for _, path := range []string{"/favicon.ico", "/static/favicon.svg"} {
			code, body, h := b.get(path)
			if code != 200 || h.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(body, "<svg") {
				t.Errorf("GET %s = %d %q %.20q; want 200 image/svg+xml <svg...", path, code, h.Get("Content-Type"), body)
			}
		}
	})
}
