package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"github.com/roster-crm/roster/internal/browsertest"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/workflow"
)

// TestAutomationsInBrowser builds a workflow in headless Chromium the way a
// person does (create, choose the trigger, add a step, insert a variable
// with the keyboard, save and activate), triggers it by creating a person,
// and reads the run page; then starts one from a template and activates it
// unchanged. Every page is axe-clean in both colour schemes and does not
// scroll sideways at 360 px. (The dialect does not matter to the pages, so
// SQLite alone; the handler tests run both.)
func TestAutomationsInBrowser(t *testing.T) {
	s := storetest.NewSQLite(t)
	site := newWorkflowSite(t, s)
	ws := site.signIn(site.browser())
	ctx := context.Background()

	b := browsertest.Start(t)
	p := b.NewPage(t, site.srv.URL)
	p.Navigate("/login?" + url.Values{"next": {"/workflows"}}.Encode())
	p.Fill(browsertest.Label("Email"), "admin@acme.test")
	p.Fill(browsertest.Label("Password"), "password-123")
	p.ClickNav(browsertest.Label("Sign in"))
	p.Navigate("/workflows")
	checkPage(t, p, "automations-empty")

	p.Fill(browsertest.Label("Name"), "Welcome new people")
	p.ClickNav(browsertest.Label("Create workflow"))
	p.Select(browsertest.Label("Trigger"), workflow.TriggerDatabaseEvent)
	p.ClickNav(browsertest.Label("Apply trigger"))
	p.Select(browsertest.Label("Record"), "person")
	p.Select(browsertest.Label("Event"), "created")
	p.Select(browsertest.Label("Step type"), "CREATE_RECORD")
	p.ClickNav(browsertest.Label("Add step"))
	p.Select(browsertest.CSS("#s0-object"), "task")
	p.Type(browsertest.CSS("#s0-record"), "title: Say hello to ")
	p.Click(browsertest.CSS("#step-step1 .wf-vars summary"))
	p.Press(browsertest.Label("Insert trigger.object.name.firstName"), kb.Enter)
	if got := browsertest.Eval[string](p, `document.querySelector("#s0-record").value`); got != "title: Say hello to {{trigger.object.name.firstName}}" {
		t.Errorf("after inserting a variable the field holds %q", got)
	}
	if got := browsertest.Eval[string](p, `document.activeElement.id`); got != "s0-record" {
		t.Errorf("focus after inserting = %q; want back in the field", got)
	}
	// An If / else with a step in its "then" branch: the branch is nested
	// under it, and adding steps saved the typed text.
	p.Select(browsertest.Label("Step type"), "IF_ELSE")
	p.ClickNav(browsertest.Label("Add step"))
	p.Select(browsertest.Label("Step type"), "FILTER")
	p.Select(browsertest.Label("In"), "step2:then")
	p.ClickNav(browsertest.Label("Add step"))
	if got := browsertest.Eval[string](p, `document.querySelector("#s0-record").value`); got != "title: Say hello to {{trigger.object.name.firstName}}" {
		t.Errorf("after adding steps the first step's fields hold %q", got)
	}
	if got := browsertest.Eval[string](p, `[...document.querySelectorAll("[data-testid=steps] > li")].map(li => (li.dataset.step || "branch") + "@" + li.className.match(/wf-depth-(\d)/)[1]).join(" ")`); got != "step1@0 step2@0 branch@1 step3@1 branch@1" {
		t.Errorf("the list reads %q; want the filter nested in the if branch", got)
	}
	checkPage(t, p, "automations-builder")
	p.DocsImageOf("automations-builder", 1280, "#steps")
	p.ClickNav(browsertest.Label("Save and activate"))
	p.WaitText(browsertest.CSS("#toasts"), "activated")

	if _, err := site.records.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: crm.Actor{Source: crm.SourceAPI, Name: "test"},
		Inputs: []crm.Input{{"name": map[string]any{"firstName": "Ada", "lastName": "Lovelace"}}}}); err != nil {
		t.Fatal(err)
	}
	wfs, err := site.wf.Workflows(ctx, ws, workflow.WorkflowFilter{}, workflow.ListParams{})
	if err != nil || len(wfs.Items) != 1 {
		t.Fatalf("workflows = %v, %v", wfs, err)
	}
	wfID := wfs.Items[0].ID
	var runID string
	waitFor(t, func() bool {
		runs, _ := site.wf.Runs(ctx, ws, workflow.RunFilter{WorkflowID: wfID}, workflow.ListParams{})
		if runs != nil && len(runs.Items) == 1 {
			runID = runs.Items[0].ID
		}
		return runID != ""
	})
	p.Navigate("/workflows/" + wfID + "/runs")
	p.ClickNav(browsertest.CSS("[data-testid=workflow-runs] tbody a"))
	p.WaitText(browsertest.CSS("[data-testid=run-status]"), "Completed") // the page refreshes itself while the run is open
	if got := p.Text(browsertest.CSS("[data-testid=run-steps]")); !strings.Contains(got, "Say hello to Ada") {
		t.Errorf("run steps read %q; want the created task's title in the output", got)
	}
	checkPage(t, p, "automations-run")

	p.Navigate("/workflows")
	if got := p.Text(browsertest.CSS("[data-testid=workflows]")); !strings.Contains(got, "Completed") || !strings.Contains(got, "Active") {
		t.Errorf("workflow list reads %q; want the active workflow and its completed run", got)
	}
	p.ClickNav(browsertest.Label("Use template “Failed payment follow-up”"))
	checkPage(t, p, "automations-template")
	p.ClickNav(browsertest.Label("Save and activate"))
	p.WaitText(browsertest.CSS("#toasts"), "activated")
	active, err := site.wf.Versions(ctx, ws, workflow.VersionFilter{Status: workflow.VersionActive}, workflow.ListParams{})
	if err != nil || len(active.Items) != 2 {
		t.Errorf("active versions after activating the template through the form = %v, %v; want 2", active, err)
	}
	checkPage(t, p, "automations-list")
}

// checkPage runs axe in both colour schemes and takes the screenshots
// (which check 360 px).
func checkPage(t *testing.T, p *browsertest.Page, name string) {
	t.Helper()
	for _, dark := range []bool{false, true} {
		p.ColorScheme(dark)
		browsertest.Axe(t, p)
		p.Screenshot(name)
	}
	p.ColorScheme(false)
}
