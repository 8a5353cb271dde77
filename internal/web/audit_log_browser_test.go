package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/browsertest"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestAuditLogInBrowser checks Settings -> Audit log in headless Chromium:
// axe-core finds nothing in either colour scheme, the page does not scroll
// sideways at 360 px (entries become cards), and the filter form narrows
// the table. (The dialect does not matter to the page, so SQLite alone.)
func TestAuditLogInBrowser(t *testing.T) {
	s := storetest.NewSQLite(t)
	site := newSite(t, s)
	ws := site.signIn(site.browser())
	ctx := audit.WithOrigin(context.Background(), audit.Origin{IP: "2001:db8:abcd:12:34:56:78:9a",
		UserAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"})
	log := site.auth.AuditLog()
	entries := []audit.Entry{
		{Action: audit.APIKeyCreated, Actor: audit.Member("m-1", "Ada Admin"), Target: audit.Target{Type: audit.TargetAPIKey, ID: "k-1", Label: "A key with a rather long name for a phone screen"}, Details: map[string]any{"prefix": "rk_abcdefgh"}},
		{Action: audit.SignInNewPlace, Actor: audit.Member("m-1", "Ada Admin"), Details: map[string]any{"network": "2001:db8:abcd::/48", "browser": "Safari on iOS"}},
		{Action: audit.ExportCSV, Actor: audit.APIKey("k-1", "Zapier"), Target: audit.Target{Type: audit.TargetObject, Label: "people"},
			Details: map[string]any{"rows": 1200, "columns": 9, "view": "f=city&o=eq&v=Berlin&c=email&c=company&c=whop&sort=name&dir=asc&q=averyveryverylongsearchtermwithoutanyspacesinit"}},
		{Action: audit.WhopSyncFinished, Actor: audit.System("Whop"), Details: map[string]any{"errors": []any{}, "memberships": 396, "runId": "019372aa-7c1e-7a53-9a01-3f5cbb0e2d11"}},
	}
	for _, e := range entries {
		if err := log.Record(ctx, ws, e); err != nil {
			t.Fatal(err)
		}
	}

	b := browsertest.Start(t)
	p := b.NewPage(t, site.srv.URL)
	p.Navigate("/login?" + url.Values{"next": {"/settings/audit-log"}}.Encode())
	p.Fill(browsertest.Label("Email"), "admin@acme.test")
	p.Fill(browsertest.Label("Password"), "password-123")
	p.ClickNav(browsertest.Label("Sign in"))
	p.Navigate("/settings/audit-log")
	for _, dark := range []bool{false, true} {
		p.ColorScheme(dark)
		browsertest.Axe(t, p)
		p.Screenshot("settings-audit-log")
	}
	p.ColorScheme(false)
	if got := browsertest.Eval[int](p, `document.querySelectorAll("[data-testid=audit-log] tbody tr").length`); got != len(entries)+1 {
		t.Errorf("rows = %d; want %d (the entries and the workspace's creation)", got, len(entries)+1)
	}

	p.Select(browsertest.Label("Action"), string(audit.SignInNewPlace))
	p.ClickNav(browsertest.Label("Filter"))
	if got := p.Text(browsertest.CSS("[data-testid=audit-log] tbody")); !strings.Contains(got, "Sign-in from a new place") || strings.Contains(got, "CSV export") {
		t.Errorf("filtered to sign-ins, the table reads %q", got)
	}
	browsertest.Axe(t, p)
	p.Select(browsertest.Label("Actor"), "k-1")
	p.ClickNav(browsertest.Label("Filter"))
	if !p.Has(".empty-state") {
		t.Error("sign-ins by the Zapier key: want the empty state")
	}
	browsertest.Axe(t, p)
}
