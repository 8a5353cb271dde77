package web_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/roster-crm/roster/internal/browsertest"
	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestPaletteSyncStartsASync drives app.js in headless Chromium: choosing
// "Sync Whop now" in the command palette posts the action with the CSRF
// token and lands on the page of the run it started (it used to only open
// the page). SQLite alone: the dialect does not matter to the script.
func TestPaletteSyncStartsASync(t *testing.T) {
	s := storetest.NewSQLite(t)
	site := newSettingsSite(t, s, true)
	admin := site.browser()
	ws := site.signIn(admin)
	const page = "/settings/integrations/whop"
	if code, _, _ := admin.settingsPost(page, page+"/connect", url.Values{"api_key": {site.apiKey}, "company_id": {site.company}, "webhook_secret": {site.webhookSecret}}); code != 303 {
		t.Fatalf("connect = %d", code)
	}
	// runIDs lists the workspace's runs. The check below asks that the page
	// the palette lands on shows a run that did not exist before, rather than
	// counting runs: other background work may queue a run of its own.
	runIDs := func() map[string]bool {
		rows, err := s.Read.Query("SELECT id FROM whop_sync_runs WHERE workspace_id = $1", ws)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		ids := map[string]bool{}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids[id] = true
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	// The sync that connecting queued ends first, so the palette's starts a new one.
	poll.Until(t, 60*time.Second, func() error {
		var active int
		if err := s.Read.QueryRow("SELECT COUNT(*) FROM whop_sync_runs WHERE workspace_id = $1 AND status IN ('queued', 'running')", ws).Scan(&active); err != nil || active > 0 {
			return fmt.Errorf("%d runs active (%v)", active, err)
		}
		return nil
	})
	before := runIDs()

	b := browsertest.Start(t)
	p := b.NewPage(t, site.srv.URL)
	p.Navigate("/login")
	p.Fill(browsertest.Label("Email"), "admin@acme.test")
	p.Fill(browsertest.Label("Password"), "password-123")
	p.ClickNav(browsertest.Label("Sign in"))
	p.Navigate("/people")
	p.Chord("k", chromedp.ModifierCtrl)
	p.WaitVisible(browsertest.CSS("#palette"))
	p.Keys("Sync Whop")
	p.WaitFor("only the Sync Whop now action", `(opts => opts.length === 1 && opts[0].innerText.includes("Sync Whop now"))(document.querySelectorAll("#palette-results [role=option]"))`)
	p.Keys(kb.Enter)
	p.WaitFor("the run page", `location.pathname === "/settings/integrations/whop" && location.search.startsWith("?run=")`)
	run := browsertest.Eval[string](p, `new URLSearchParams(location.search).get("run")`)
	if before[run] {
		t.Errorf("the palette action landed on run %s, which existed before it; want a run it started", run)
	}
	if after := runIDs(); !after[run] {
		t.Errorf("the palette action landed on run %q, which is not a sync run of the workspace", run)
	}
	browsertest.Axe(t, p)
}
