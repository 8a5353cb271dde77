package workflow_test

import (
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/workflow"
)

// TestTemplatesActivate creates a workflow from every template and
// activates it as it comes: a template that fails activation is a broken
// promise to the seller who picks it.
func TestTemplatesActivate(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{noWork: true})
		if len(workflow.Templates()) < 6 {
			t.Fatalf("Templates() = %d templates; want at least the 6 of the issue", len(workflow.Templates()))
		}
		for _, tpl := range workflow.Templates() {
			w, v, err := e.svc.CreateFromTemplate(e.ctx, e.ws, tpl.Key)
			if err != nil {
				t.Fatalf("CreateFromTemplate(%s): %v", tpl.Key, err)
			}
			if w.Name != tpl.Name || v.Status != workflow.VersionDraft {
				t.Errorf("CreateFromTemplate(%s) = %q with a %s version; want %q with a DRAFT", tpl.Key, w.Name, v.Status, tpl.Name)
			}
			if ok, err := e.svc.ActivateVersion(e.ctx, e.ws, v.ID); err != nil || !ok {
				t.Errorf("ActivateVersion(template %s) = %v, %v; want true", tpl.Key, ok, err)
			}
		}
		_, _, err := e.svc.CreateFromTemplate(e.ctx, e.ws, "no-such-template")
		wantInvalid(t, err, "template", "no-such-template")
		pg, err := e.svc.Workflows(e.ctx, e.ws, workflow.WorkflowFilter{}, workflow.ListParams{WithTotal: true})
		if err != nil || pg.TotalCount != len(workflow.Templates()) {
			t.Errorf("workflows after an unknown template = %v, %v; want %d (nothing created)", pg.TotalCount, err, len(workflow.Templates()))
		}
	})
}

// TestWelcomeTemplateRuns runs the welcome template on a sample Whop
// payload and checks its task and email.
func TestWelcomeTemplateRuns(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{})
		_, v, err := e.svc.CreateFromTemplate(e.ctx, e.ws, "welcome-member")
		if err != nil {
			t.Fatal(err)
		}
		payload := map[string]any{
			"eventName":   "membership.activated",
			"person":      map[string]any{"name": map[string]any{"firstName": "Mia", "lastName": "Wong"}, "emails": map[string]any{"primaryEmail": "mia@example.com"}},
			"opportunity": map[string]any{"name": "Mia Wong – Pro", "whopManageUrl": "https://whop.com/orders/mem_1/manage"},
		}
		id, err := e.svc.RunVersion(e.ctx, e.ws, crm.Actor{Source: crm.SourceManual, Name: "test"}, v.ID, payload)
		if err != nil {
			t.Fatal(err)
		}
		run := e.waitRun(id)
		if run.Status != workflow.RunCompleted {
			t.Fatalf("run = %s; want COMPLETED: %s", run.Status, stateJSON(run))
		}
		tasks := e.list(crm.TaskObject)
		if len(tasks) != 1 || tasks[0].(*crm.Task).Title != "Say hello to Mia Wong (new member)" {
			t.Errorf("tasks = %v; want one titled for Mia Wong", tasks)
		}
		if got := stepResult(t, run, "welcomeEmail")["status"]; got == nil || got == "" {
			t.Errorf("welcomeEmail result = %v; want an outbox status", stepResult(t, run, "welcomeEmail"))
		}
	})
}

// TestVariablesOfADraft checks the variable picker's lists: each step sees
// the trigger and the steps before it, and a half-built draft still lists
// what it can.
func TestVariablesOfADraft(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{noWork: true})
		vars, err := e.svc.Variables(e.ctx, e.ws, []byte(personCreated), []byte(`[
			{"id": "find", "name": "Find", "type": "FIND_RECORDS", "settings": {"input": {"objectName": "company"}}},
			{"id": "half", "name": "Half-built", "type": "CREATE_RECORD", "settings": {"input": {}}},
			{"id": "last", "name": "Last", "type": "SEND_EMAIL", "settings": {"input": {}}}]`))
		if err != nil {
			t.Fatal(err)
		}
		has := func(step, path string) bool {
			for _, src := range vars[step] {
				for _, v := range src.Variables {
					if v.Path == path {
						return true
					}
				}
			}
			return false
		}
		for _, c := range []struct {
			step, path string
			want       bool
		}{
			{"find", "trigger.object.name.firstName", true},
			{"find", "find.totalCount", false},
			{"half", "find.totalCount", true},
			{"last", "find.records", true},
			{"last", "half.id", false}, // no objectName yet: no output to offer
		} {
			if got := has(c.step, c.path); got != c.want {
				t.Errorf("Variables[%s] has %s = %v; want %v (%v)", c.step, c.path, got, c.want, vars[c.step])
			}
		}
		if _, err := e.svc.Variables(e.ctx, e.ws, []byte(personCreated), []byte(`{"not": "a list"}`)); err == nil {
			t.Error("Variables of steps that are not a list = nil error; want one")
		}
	})
}
