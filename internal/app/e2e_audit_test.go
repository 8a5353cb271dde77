package app

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/roster-crm/roster/internal/browsertest"
	"github.com/roster-crm/roster/internal/mail"
)

// auditPage is one page of the audit: its screenshot name and where it is.
type auditPage struct {
	name, path string
	// docs names the user guide's picture of the page (1280 px, light), if
	// it has one.
	docs string
	// mobile adds a 360 px picture, <docs>-360.
	mobile bool
}

// auditPages visits every page a signed-in admin can reach and checks it with
// axe-core in both colour schemes, screenshots it at 360 and 1280 px and
// checks that it does not scroll sideways on a phone. (The flow has
// already audited setup, sign-in, the Whop page, the person page, the
// pipeline, the import pages and the filtered People table in the states
// it met them.)
func auditPages(t *testing.T, s *flowState) {
	p := s.p
	company := firstLink(t, p, "/companies", `^/companies/[0-9a-f-]{36}$`)
	opportunity := firstLink(t, p, "/opportunities", `^/opportunities/[0-9a-f-]{36}$`)
	email := auditEmail(t, s)
	pages := []auditPage{
		{"dashboard", "/", "dashboard", true},
		{"people", "/people", "", false},
		{"companies", "/companies", "", false},
		{"opportunities", "/opportunities", "opportunities", false},
		{"company", company, "company", false},
		{"opportunity", opportunity, "opportunity", false},
		{"person-edit", s.personPath + "/edit", "", false},
		{"person-delete", s.personPath + "/delete", "", false},
		{"person-new", "/people/new", "", false},
		{"company-new", "/companies/new", "", false},
		{"opportunity-new", "/opportunities/new", "", false},
		{"settings-workspace", "/settings", "settings", false},
		{"settings-members", "/settings/members", "", false},
		{"settings-api-keys", "/settings/api-keys", "", false},
		{"settings-fields", "/settings/fields", "", false},
		{"settings-email", "/settings/email", "", false},
		{"settings-email-message", email, "", false},
		{"settings-audit-log", "/settings/audit-log", "", false},
		{"search", "/search?q=a", "search", false},
		{"not-found", "/people/00000000-0000-7000-8000-000000000000", "", false},
	}
	for _, pg := range pages {
		t.Run(pg.name, func(t *testing.T) {
			p := s.p.T(t)
			p.Navigate(pg.path)
			checkPage(t, p, pg.name)
			if pg.docs != "" {
				p.DocsImage(pg.docs, 1280)
			}
			if pg.mobile {
				p.DocsImage(pg.docs+"-360", 360)
			}
		})
	}
	t.Run("command palette", func(t *testing.T) {
		// Ctrl+K opens the palette anywhere; typing lists records, Down
		// and Enter open the first one.
		p := s.p.T(t)
		p.Navigate("/")
		p.Chord("k", chromedp.ModifierCtrl)
		p.WaitVisible(css("#palette"))
		if !browsertest.Eval[bool](p, `document.activeElement === document.getElementById("palette-q")`) {
			t.Error("Ctrl+K: the palette's search field does not have the focus")
		}
		p.Keys("Lovelace")
		p.WaitFor("a result for Lovelace", `[...document.querySelectorAll("#palette-results [role=option]")].some(o => o.innerText.includes("Lovelace"))`)
		checkPage(t, p, "palette")
		p.Keys(kb.ArrowDown)
		if got := browsertest.Eval[string](p, `document.getElementById("palette-q").getAttribute("aria-activedescendant") || ""`); got == "" {
			t.Error("ArrowDown in the palette: no aria-activedescendant; want the first option active")
		}
		p.Keys(kb.Enter)
		p.WaitFor("a person page", `/^\/people\/[0-9a-f-]{36}$/.test(location.pathname)`)
		if got := p.Text(css("h1")); !strings.Contains(got, "Lovelace") {
			t.Errorf("the palette opened %q; want Ada Lovelace", got)
		}
	})
}

// auditEmail puts an unsent invite in the workspace's outbox (the e2e app
// uses the log driver) and returns its Settings -> Email page.
func auditEmail(t *testing.T, s *flowState) string {
	t.Helper()
	ctx := context.Background()
	ws, err := s.env.app.Store.WorkspaceList(ctx)
	if err != nil || len(ws) == 0 {
		t.Fatalf("workspaces = %v, %v", ws, err)
	}
	res, err := s.env.app.Mail.Send(ctx, &mail.Message{WorkspaceID: ws[0].ID, Kind: mail.KindInvite, To: []string{"new.member@pickaxe.example"},
		Subject: "Join Pickaxe on Roster", Body: "Accept the invitation: " + s.env.url + "/invite/AUDITTOKEN\n\nThe link works once.", Secrets: []string{"AUDITTOKEN"}})
	if err != nil {
		t.Fatal(err)
	}
	return "/settings/email/" + res.ID
}

// firstLink opens a table and returns the first row link matching pattern.
func firstLink(t *testing.T, p *browsertest.Page, table, pattern string) string {
	t.Helper()
	p.Navigate(table)
	re := regexp.MustCompile(pattern)
	links := browsertest.Eval[[]string](p, `[...document.querySelectorAll("[data-testid=records-table] tbody a")].map(a => a.getAttribute("href"))`)
	for _, l := range links {
		if re.MatchString(l) {
			return l
		}
	}
	t.Fatalf("%s has no row link like %s (links %v)", table, pattern, links)
	return ""
}
