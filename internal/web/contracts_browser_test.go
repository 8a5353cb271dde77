package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/browsertest"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestContractPagesInBrowser drives the contract pages in Chromium as an
// admin: a template made in the editor (merge field inserted with the
// picker, the live preview merged with the opportunity), a contract sent
// from the opportunity page with the signer prefilled, the contract page
// with the signer's link and the audit trail, the list filtered by status,
// Settings -> Contracts. axe finds nothing in light and dark, and no page
// scrolls sideways at 360 px.
func TestContractPagesInBrowser(t *testing.T) {
	s := storetest.NewSQLite(t)
	cs := newContractSite(t, s)
	ws := cs.signIn(cs.browser())
	cs.seed(ws)

	b := browsertest.Start(t)
	p := b.NewPage(t, cs.srv.URL)
	p.Navigate("/login")
	p.Fill(browsertest.Label("Email"), "admin@acme.test")
	p.Fill(browsertest.Label("Password"), "password-123")
	p.ClickNav(browsertest.Label("Sign in"))

	check := func(name string) {
		t.Helper()
		for _, dark := range []bool{false, true} {
			p.ColorScheme(dark)
			browsertest.Axe(t, p)
			p.Screenshot(name)
		}
		p.ColorScheme(false)
	}

	p.Navigate("/contract-templates/new")
	p.Fill(browsertest.Label("Name"), "Mentoring terms")
	p.Fill(browsertest.CSS("#body"), "# Mentoring\n\nFor ")
	p.Select(browsertest.Label("Merge field"), "person.name")
	p.Click(browsertest.Label("Insert at the cursor"))
	p.WaitText(browsertest.CSS("[data-preview]"), "For Zoë Ångström")
	check("contract-template-editor")
	p.ClickNav(browsertest.Label("Save template"))
	if got := p.Text(browsertest.CSS("h1")); got != "Edit Mentoring terms" {
		t.Fatalf("after saving the template: %q", got)
	}
	p.Navigate("/contract-templates")
	check("contract-templates")

	p.Navigate("/opportunities/" + cs.opp)
	p.ClickNav(browsertest.Label("Send contract"))
	if got := browsertest.Eval[string](p, `document.getElementById("signer0Email").value`); got != "zoe@example.com" {
		t.Fatalf("the signer is not prefilled from the opportunity's contact: %q", got)
	}
	check("contract-send")
	p.Select(browsertest.Label("Template"), findTemplate(t, cs, ws, "Mentoring terms"))
	p.Fill(browsertest.Label("Signer 1 role"), "Client")
	p.ClickNav(browsertest.Label("Send contract"))
	if !strings.Contains(p.Text(browsertest.CSS("h1")), "Mentoring terms") {
		t.Fatalf("after sending: %q", p.Text(browsertest.CSS("h1")))
	}
	if link := browsertest.Eval[string](p, `document.querySelector(".contract-link").value`); !strings.Contains(link, "/sign/") {
		t.Errorf("the contract page shows no signing link to the admin: %q", link)
	}
	if trail := p.Text(browsertest.CSS(".contract-events")); !strings.Contains(trail, "invited") {
		t.Errorf("audit trail = %q", trail)
	}
	check("contract-show")

	p.Navigate("/contracts?status=SENT")
	if got := browsertest.Eval[int](p, `document.querySelectorAll("[data-testid=contracts] tbody tr").length`); got != 1 {
		t.Errorf("contracts SENT = %d rows; want 1", got)
	}
	check("contracts")
	p.Navigate("/settings/contracts")
	check("contract-settings")
	p.Select(browsertest.Label("A signed contract moves its opportunity to"), "MEETING")
	p.ClickNav(browsertest.Label("Save"))
	if st, _ := cs.contracts.Settings(context.Background(), ws); st.SignedStage != "MEETING" {
		t.Errorf("signed stage after saving = %s", st.SignedStage)
	}
}

func findTemplate(t *testing.T, cs *contractSite, ws, name string) string {
	t.Helper()
	list, err := cs.contracts.Templates(context.Background(), ws)
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range list {
		if tpl.Name == name {
			return tpl.ID
		}
	}
	t.Fatalf("no template %q", name)
	return ""
}
