package app

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/browsertest"
)

// workspaceID is the one workspace the flow created.
func (s *flowState) workspaceID() string {
	s.t.Helper()
	list, err := s.env.app.Store.WorkspaceList(context.Background())
	if err != nil || len(list) != 1 {
		s.t.Fatalf("workspaces = %v, %v; want the one made by setup", list, err)
	}
	return list[0].ID
}

// waitSynced waits until no sync runs and the last one succeeded.
func (s *flowState) waitSynced() {
	s.t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, err := s.env.app.Whop.Status(ctx, s.workspaceID())
		if err != nil {
			s.t.Fatal(err)
		}
		if !st.SyncInProgress && st.LastSyncStatus == "succeeded" {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("sync did not finish in 60s: %+v", st)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// stepConnectWhop connects the workspace with OAuth, approving the consent
// on the (simulated) Whop page in the browser.
func stepConnectWhop(t *testing.T, s *flowState) {
	p := s.p
	p.Navigate("/auth/whop?company_id=" + simCompanyID)
	if !strings.Contains(p.URL(), "/oauth/authorize") {
		t.Fatalf("connect went to %s; want Whop's consent page", p.URL())
	}
	p.ClickNav(browsertest.Label("Approve"))
	p.WaitText(css("body"), "Whop connected")
}

// stepSync waits for the sync that connecting started.
func stepSync(t *testing.T, s *flowState) {
	s.waitSynced()
}

var personHref = regexp.MustCompile(`^/people/[0-9a-f-]{36}$`)

// stepFindSynced filters People to the records synced from Whop and opens
// one: its page carries the Whop badge.
func stepFindSynced(t *testing.T, s *flowState) {
	p := s.p
	p.Navigate("/people")
	p.Click(label("Synced from Whop"))
	p.ClickNav(label("Apply"))
	if !strings.Contains(p.Path(), "synced=1") {
		t.Errorf("after filtering the address is %s; want synced=1 in it", p.Path())
	}
	href := browsertest.Eval[string](p, `[...document.querySelectorAll("[data-testid=records-table] tbody a")].map(a => a.getAttribute("href")).find(h => /^\/people\/[0-9a-f-]{36}$/.test(h)) || ""`)
	if !personHref.MatchString(href) {
		t.Fatalf("no person link in the synced people table (got %q)", href)
	}
	p.ClickNav(css(`[data-testid=records-table] tbody a[href="` + href + `"]`))
	s.personPath = href
	if got := p.Path(); got != href {
		t.Fatalf("clicked %s, landed on %s", href, got)
	}
	p.WaitVisible(css("h1 + .badge-whop, .page-head .badge-whop"))
}

// stepTimeline reads the membership timeline of the synced person: events
// in order, oldest first or newest first but sorted.
func stepTimeline(t *testing.T, s *flowState) {
	p := s.p
	if p.Path() != s.personPath {
		p.Navigate(s.personPath)
	}
	p.WaitVisible(css("#membership"))
	times := browsertest.Eval[[]string](p, `[...document.querySelectorAll("#membership li time")].map(t => t.getAttribute("datetime"))`)
	if len(times) == 0 {
		t.Fatalf("membership timeline of %s is empty; want the synced membership's events", s.personPath)
	}
	asc, desc := true, true
	for i := 1; i < len(times); i++ {
		asc = asc && times[i-1] <= times[i]
		desc = desc && times[i-1] >= times[i]
	}
	if !asc && !desc {
		t.Errorf("membership timeline times %v are not in order", times)
	}
	checkPage(t, p, "person")
	p.DocsImage("person", 1280)
}
