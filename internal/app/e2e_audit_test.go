package app

import (
	"testing"
)

// auditPage is one page of the audit: where it is and the screenshot name
// (empty: audited, not pictured).
type auditPage struct {
	name, path string
}

// audit visits every page a signed-in admin can reach and checks it with
// axe-core in both colour schemes, screenshots it at 360 and 1280 px and
// checks that it does not scroll sideways on a phone.
func audit(t *testing.T, s *flowState) {
	pages := []auditPage{
		{"dashboard", "/"},
		{"error", "/people/00000000-0000-0000-0000-000000000000"},
	}
	for _, pg := range pages {
		t.Run(pg.name, func(t *testing.T) {
			p := s.p.T(t)
			p.Navigate(pg.path)
			checkPage(t, p, pg.name)
		})
	}
}
