package app

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/roster-crm/roster/internal/browsertest"
	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/whop/whopsim"
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

// runs lists the workspace's sync run IDs.
func (s *flowState) runs() []string {
	s.t.Helper()
	rows, err := s.env.app.Store.Read.Query("SELECT id FROM whop_sync_runs WHERE workspace_id = $1", s.workspaceID())
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			s.t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

// waitSynced waits until no sync runs and the last one succeeded.
func (s *flowState) waitSynced() {
	s.t.Helper()
	ctx := context.Background()
	poll.Until(s.t, 60*time.Second, func() error {
		st, err := s.env.app.Whop.Status(ctx, s.workspaceID())
		if err != nil {
			s.t.Fatal(err)
		}
		if st.SyncInProgress || st.LastSyncStatus != "succeeded" {
			return fmt.Errorf("sync status %+v; want finished and succeeded", st)
		}
		return nil
	})
}

// stepConnectWhop connects the workspace from Settings -> Integrations ->
// Whop with OAuth, approving the consent on the (simulated) Whop page in the
// browser.
func stepConnectWhop(t *testing.T, s *flowState) {
	p := s.p
	p.Navigate("/settings")
	p.ClickNav(label("Integrations"))
	if got := p.Path(); !strings.HasPrefix(got, "/settings/integrations") {
		t.Fatalf("the Integrations tab leads to %s; want /settings/integrations...", got)
	}
	checkPage(t, p, "integrations-whop")
	p.Type(css("#company_id"), simCompanyID)
	p.ClickNav(label("Connect with Whop"))
	if !strings.Contains(p.URL(), "/oauth/authorize") {
		t.Fatalf("Connect with Whop went to %s; want Whop's consent page", p.URL())
	}
	p.ClickNav(label("Approve"))
	p.WaitText(css("h1"), "Whop connected")
	checkPage(t, p, "")
}

// stepSync waits out the first sync (connecting starts it), then runs one
// with "Sync now" while the simulated Whop answers slowly, and watches the
// progress bar and the live region follow the server-sent events to the end.
func stepSync(t *testing.T, s *flowState) {
	p := s.p
	s.waitSynced()
	p.Navigate("/settings/integrations/whop")
	s.env.sim.SetFaults(whopsim.Faults{Latency: 150 * time.Millisecond})
	defer s.env.sim.SetFaults(whopsim.Faults{})
	p.ClickNav(label("Sync now"))
	p.WaitVisible(css("#sync-progress"))
	// Collect what the live region says until the sync is over.
	var said []string
	poll.Until(t, 60*time.Second, func() error {
		text := browsertest.Eval[string](p, `document.getElementById("sync-status").innerText`)
		if len(said) == 0 || said[len(said)-1] != text {
			said = append(said, text)
		}
		if strings.Contains(text, "Sync finished") || strings.Contains(text, "Sync failed") || strings.HasPrefix(text, "Last sync") {
			return nil
		}
		return fmt.Errorf("sync not over; the live region said %q", said)
	})
	last := said[len(said)-1]
	if !strings.Contains(last, "Sync finished") {
		t.Fatalf("live region ended with %q; want \"Sync finished...\" (all: %q)", last, said)
	}
	progressed := false
	for _, x := range said {
		progressed = progressed || strings.Contains(x, "Syncing") || strings.Contains(x, "steps done")
	}
	if !progressed {
		t.Errorf("live region said %q; want progress (\"Syncing ... steps done\") before the end", said)
	}
	if v := browsertest.Eval[bool](p, `(b => b.value === b.max)(document.getElementById("sync-progress"))`); !v {
		t.Error("progress bar is not full after the sync finished")
	}
	if got := p.Text(css(`[data-run-field="status"]`)); got != "Succeeded" {
		t.Errorf("last run status = %q; want Succeeded", got)
	}
	checkRunTimes(t, p)
	checkPage(t, p, "integrations-whop-synced")
	p.DocsImageOf("whop-sync", 1280, "#sync")
	p.DocsImage("integrations-whop", 1280)
}

// serverTime is how the server writes a moment ("6 Dec 2026 21:14 UTC").
var serverTime = regexp.MustCompile(`^\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2} UTC$`)

// checkRunTimes: after a run finished live, the panel agrees with itself:
// Started and Finished are set, in the server's one date format, and the
// header's "Last sync" is that run.
func checkRunTimes(t *testing.T, p *browsertest.Page) {
	t.Helper()
	started := p.Text(css(`[data-run-field="started"]`))
	finished := p.Text(css(`[data-run-field="finished"]`))
	if !serverTime.MatchString(started) || !serverTime.MatchString(finished) {
		t.Errorf("Started %q, Finished %q; want both in the server's format (e.g. 6 Dec 2026 21:14 UTC)", started, finished)
	}
	if got := p.Text(css("#last-sync")); got != finished+" · Succeeded" {
		t.Errorf("header Last sync = %q; want %q", got, finished+" · Succeeded")
	}
}

// stepPaletteSync starts a sync from the command palette: "Sync Whop now"
// posts (with the CSRF token) instead of only opening the page.
func stepPaletteSync(t *testing.T, s *flowState) {
	p := s.p
	s.waitSynced()
	before := len(s.runs())
	p.Navigate("/")
	p.Chord("k", chromedp.ModifierCtrl)
	p.WaitVisible(css("#palette"))
	p.Keys("Sync Whop")
	p.WaitFor("only the Sync Whop now action", `(opts => opts.length === 1 && opts[0].innerText.includes("Sync Whop now"))(document.querySelectorAll("#palette-results [role=option]"))`)
	p.Keys(kb.Enter)
	p.WaitFor("the run page", `location.pathname === "/settings/integrations/whop" && location.search.startsWith("?run=")`)
	flash(s, "Sync started.")
	if after := len(s.runs()); after != before+1 {
		t.Errorf("sync runs = %d after the palette action; want %d (one started)", after, before+1)
	}
	s.waitSynced()
	p.Reload()
	checkPage(t, p, "")
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
	// Newest first, like the activity, and nothing to come among what happened.
	now := time.Now().UTC().Format(time.RFC3339)
	for i := range times {
		if i > 0 && times[i-1] < times[i] {
			t.Errorf("membership timeline times %v are not newest first", times)
			break
		}
		if times[i] > now {
			t.Errorf("membership timeline shows %s, in the future", times[i])
		}
	}
	// The summary opens the page: plan, status, member since, next charge
	// and the money.
	facts := browsertest.Eval[[]string](p, `[...document.querySelectorAll("[data-testid=member-summary] dt")].map(d => d.innerText)`)
	want := []string{"Current plan", "Status", "Member since", "Next charge", "Total paid", "Refunds", "Lifetime value"}
	if strings.Join(facts, "|") != strings.Join(want, "|") {
		t.Errorf("customer summary terms = %v; want %v", facts, want)
	}
	if first := browsertest.Eval[string](p, `document.querySelector(".record-main section").id`); first != "summary" {
		t.Errorf("the first card of the person page is %q; want the summary", first)
	}
	checkPage(t, p, "person")
	p.DocsImage("person", 1280)
	p.DocsImageOf("membership-timeline", 1280, "#membership")
}
