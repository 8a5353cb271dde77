package web_test

import (
	"net/url"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"github.com/roster-crm/roster/internal/browsertest"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestPipelineKeyboardInBrowser drives pipeline.js in headless Chromium:
// a card picked up with Space, moved with the arrow keys and dropped is
// saved and announced; Escape puts a card back; the pipeline and the
// record page pass axe-core. (The dialect does not matter to the script,
// so SQLite alone.)
func TestPipelineKeyboardInBrowser(t *testing.T) {
	s := storetest.NewSQLite(t)
	site := newSite(t, s)
	ws := site.signIn(site.browser())
	john := site.create(ws, crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "John", "lastName": "Doe"}, "whopUserId": "user_j", "whopUsername": "johnd"})
	o := site.create(ws, crm.OpportunityObject, crm.Input{"name": "Pickaxe", "stage": "NEW", "pointOfContactId": john.Meta().ID,
		"whopMembershipId": "mem_j", "whopMembershipStatus": "active"})
	id := o.Meta().ID

	b := browsertest.Start(t)
	p := b.NewPage(t, site.srv.URL)
	p.Navigate("/login?" + url.Values{"next": {"/pipeline"}}.Encode())
	p.Fill(browsertest.Label("Email"), "admin@acme.test")
	p.Fill(browsertest.Label("Password"), "password-123")
	p.ClickNav(browsertest.Label("Sign in"))
	p.Navigate("/pipeline")
	browsertest.Axe(t, p)
	p.Screenshot("record-area-pipeline")

	card := browsertest.CSS(`[data-testid="card-` + id + `"]`)
	p.Press(card, " ")
	p.WaitText(browsertest.CSS("#pipeline-status"), "Picked up Pickaxe - John Doe")
	p.Keys(kb.ArrowRight)
	p.Keys(kb.ArrowRight)
	p.WaitText(browsertest.CSS("#pipeline-status"), "over MEETING")
	p.Keys(" ")
	p.WaitText(browsertest.CSS("#pipeline-status"), "Moved Pickaxe - John Doe to MEETING")
	if !p.Has(`[data-stage="MEETING"] [data-testid="card-` + id + `"]`) {
		t.Error("card is not in the MEETING column after the drop")
	}
	if st := site.get(ws, crm.OpportunityObject, id).(*crm.Opportunity).Stage; st != "MEETING" {
		t.Errorf("stage after the keyboard move = %s; want MEETING", st)
	}

	// Escape cancels: the card returns and nothing is saved.
	p.Press(card, kb.Enter)
	p.Keys(kb.ArrowLeft)
	p.Keys(kb.Escape)
	p.WaitText(browsertest.CSS("#pipeline-status"), "Move cancelled")
	if !p.Has(`[data-stage="MEETING"] [data-testid="card-` + id + `"]`) {
		t.Error("card left MEETING after Escape")
	}
	if st := site.get(ws, crm.OpportunityObject, id).(*crm.Opportunity).Stage; st != "MEETING" {
		t.Errorf("stage after Escape = %s; want MEETING", st)
	}

	// The record pages pass axe too, in both colour schemes, including an
	// open edit form with an error.
	for _, path := range []string{"/opportunities/" + id, "/people/" + john.Meta().ID, "/people/" + john.Meta().ID + "/edit?field=emails"} {
		p.Navigate(path)
		browsertest.Axe(t, p)
		p.ColorScheme(true)
		browsertest.Axe(t, p)
		p.ColorScheme(false)
	}
	p.Fill(browsertest.Label("Primary email"), "not-an-email")
	p.ClickNav(browsertest.Label("Save Emails"))
	browsertest.Axe(t, p)
	p.WaitText(browsertest.CSS(".field-error"), "not a valid email")
	p.Navigate("/people/" + john.Meta().ID)
	p.Screenshot("record-area-person")
	if got := p.Text(browsertest.CSS(".badge-whop")); got == "" {
		t.Error("no Whop badge text")
	}
	p.Click(browsertest.Label("Edit City"))
	p.WaitVisible(browsertest.Label("City"))
	p.Fill(browsertest.Label("City"), "Lisbon")
	p.ClickNav(browsertest.Label("Save City"))
	if got := site.get(ws, crm.PersonObject, john.Meta().ID).(*crm.Person).City; got != "Lisbon" {
		t.Errorf("city after the in-place edit = %q; want Lisbon", got)
	}
}
