package app

import (
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/browsertest"
)

// flowState is what the flow's steps share: the browser tab and what
// earlier steps found.
type flowState struct {
	env *e2e
	p   *browsertest.Page
	t   *testing.T
	*found
}

// found is what steps learn for later steps.
type found struct {
	// personPath is the synced person found by the flow (/people/{id}).
	personPath string
	// filteredPath is People filtered to active members, filteredRows its
	// rows on the first page.
	filteredPath string
	filteredRows int
}

func (s *flowState) withT(t *testing.T) *flowState {
	c := *s
	c.t = t
	c.p = s.p.T(t)
	return &c
}

// step is one stage of the user's story; a failed step stops the flow,
// since later steps build on it.
type step struct {
	name string
	run  func(t *testing.T, s *flowState)
}

type (
	css   = browsertest.CSS
	label = browsertest.Label
)

// flowSteps is the flow in order.
var flowSteps = []step{
	{"first run", stepFirstRun},
	{"sign out and in", stepSignOutIn},
	{"connect Whop with OAuth", stepConnectWhop},
	{"sync with progress", stepSync},
	{"webhook registered at Whop", stepWebhook},
	{"sync from the command palette", stepPaletteSync},
	{"find a synced person", stepFindSynced},
	{"membership timeline", stepTimeline},
	{"move an opportunity with the keyboard", stepPipelineKeyboard},
	{"filter people by membership status", stepFilterStatus},
	{"import a CSV with a bad row", stepImport},
	{"export", stepExport},
}

// checkPage audits the page in both colour schemes and, when name is set,
// takes its screenshots in both at 360 and 1280 px (checking at 360 px that
// it does not scroll sideways).
func checkPage(t *testing.T, p *browsertest.Page, name string) {
	t.Helper()
	p.ColorScheme(true)
	browsertest.Axe(t, p)
	if name != "" {
		p.Screenshot(name) // <name>-dark-<width>.png
	}
	p.ColorScheme(false)
	browsertest.Axe(t, p)
	if name != "" {
		p.Screenshot(name)
	}
}

// flash is the text of the layout's live region (toasts).
func flash(s *flowState, want string) {
	s.t.Helper()
	s.p.WaitText(css("#toasts"), want)
}

func stepFirstRun(t *testing.T, s *flowState) {
	p := s.p
	p.Navigate("/")
	if got := p.Path(); got != "/setup" {
		t.Fatalf("a fresh install at / lands on %q; want /setup", got)
	}
	checkPage(t, p, "setup")
	p.DocsImage("setup", 1280)

	// A short password is refused with a message tied to its field.
	p.Type(label("Workspace name"), "Pickaxe Labs")
	p.Type(label("Your name"), "Ada Owner")
	p.Type(label("Email"), e2eEmail)
	p.Type(css("#password"), "short")
	p.ClickNav(label("Create workspace"))
	if got := p.Status(); got != 400 {
		t.Errorf("setup with a short password: status %d; want 400", got)
	}
	if got := browsertest.Eval[string](p, `document.querySelector("[aria-invalid=true]")?.getAttribute("aria-describedby") || ""`); got == "" {
		t.Error("setup error: no field with aria-invalid and aria-describedby")
	}
	checkPage(t, p, "setup-error")

	p.Fill(css("#password"), e2ePassword)
	p.ClickNav(label("Create workspace"))
	if got := p.Path(); got != "/" {
		t.Fatalf("after setup the browser is at %q; want /", got)
	}
	flash(s, "Your workspace is ready.")
}

func stepSignOutIn(t *testing.T, s *flowState) {
	p := s.p
	p.ClickNav(css(`form[action="/logout"] button`))
	if got := p.Path(); !strings.HasPrefix(got, "/login") {
		t.Fatalf("after sign out the browser is at %q; want /login", got)
	}
	flash(s, "You are signed out.")
	checkPage(t, p, "login")
	p.DocsImage("login", 360)
	p.ClickNav(label("Forgot your password?"))
	checkPage(t, p, "password-forgot")
	p.Navigate("/login")

	p.Type(label("Email"), e2eEmail)
	p.Type(label("Password"), "wrong password")
	p.ClickNav(label("Sign in"))
	if got := p.Text(css(".alert-error")); !strings.Contains(got, "do not match") {
		t.Errorf("wrong password message = %q; want it to say they do not match", got)
	}
	checkPage(t, p, "")

	p.Fill(label("Password"), e2ePassword)
	p.ClickNav(label("Sign in"))
	if got := p.Path(); got != "/" {
		t.Fatalf("after sign-in the browser is at %q; want /", got)
	}
}
