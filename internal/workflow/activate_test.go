package workflow_test

import (
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/workflow"
)

const personCreated = `{"type": "DATABASE_EVENT", "settings": {"eventName": "person.created"}}`

// TestActivationRefusesBadVersions: every kind of bad version is refused
// at activation with the step (or trigger) and field named, the version
// stays a draft, and an event that would have fired it starts nothing.
func TestActivationRefusesBadVersions(t *testing.T) {
	cases := []struct {
		name, trigger, steps string
		field                string
		msg                  []string
	}{
		{"unknown action type", personCreated,
			`[{"id": "s1", "name": "Mystery", "type": "LAUNCH_ROCKET", "settings": {"input": {}}}]`,
			"steps.s1.type", []string{"Mystery", "unknown action type \"LAUNCH_ROCKET\"", "CREATE_RECORD"}},
		{"unknown variable path", personCreated,
			`[{"id": "s1", "name": "Task", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"title": "Hi {{trigger.object.name.nickname}}"}}}}]`,
			"steps.s1.settings.input.objectRecord.title", []string{"Task", "{{trigger.object.name.nickname}}", "nickname", "firstName"}},
		{"unknown variable root", personCreated,
			`[{"id": "s1", "name": "Task", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"title": "{{nope.id}}"}}}}]`,
			"steps.s1.settings.input.objectRecord.title", []string{"unknown variable {{nope.id}}"}},
		{"variable of a later step", personCreated,
			`[{"id": "a", "type": "CREATE_RECORD", "nextStepIds": ["b"], "settings": {"input": {"objectName": "task", "objectRecord": {"title": "{{b.id}}"}}}},
			  {"id": "b", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "note", "objectRecord": {"title": "x"}}}}]`,
			"steps.a.settings.input.objectRecord.title", []string{"does not run before"}},
		{"not a variable", personCreated,
			`[{"id": "s1", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"title": "{{ trigger.object | upper }}"}}}}]`,
			"steps.s1.settings.input.objectRecord.title", []string{"not a variable"}},
		{"bad cron", `{"type": "CRON", "settings": {"type": "CUSTOM", "pattern": "61 * * * *"}}`,
			`[{"id": "s1", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"title": "tick"}}}}]`,
			"trigger.settings.pattern", []string{"not a 5-field cron pattern"}},
		{"bad cron type", `{"type": "CRON", "settings": {"type": "WEEKS", "schedule": {"week": 1}}}`,
			`[{"id": "s1", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"title": "tick"}}}}]`,
			"trigger.settings.type", []string{"WEEKS"}},
		{"unknown object in step", personCreated,
			`[{"id": "s1", "name": "Make", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "invoice", "objectRecord": {"title": "x"}}}}]`,
			"steps.s1.settings.input.objectName", []string{"unknown object \"invoice\""}},
		{"unknown field in step", personCreated,
			`[{"id": "s1", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"colour": "red"}}}}]`,
			"steps.s1.settings.input.objectRecord.colour", []string{"task has no field \"colour\""}},
		{"unknown object in trigger", `{"type": "DATABASE_EVENT", "settings": {"eventName": "invoice.created"}}`,
			`[{"id": "s1", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"title": "x"}}}}]`,
			"trigger.settings.eventName", []string{"unknown object \"invoice\""}},
		{"unknown field in trigger filter", `{"type": "DATABASE_EVENT", "settings": {"eventName": "person.updated", "filter": {"shoeSize": {"eq": 42}}}}`,
			`[{"id": "s1", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"title": "x"}}}}]`,
			"trigger.settings.shoeSize", []string{"shoeSize"}},
		{"unknown watched field", `{"type": "DATABASE_EVENT", "settings": {"eventName": "person.updated", "fields": ["shoeSize"]}}`,
			`[{"id": "s1", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"title": "x"}}}}]`,
			"trigger.settings.fields[0]", []string{"shoeSize"}},
		{"unknown trigger type", `{"type": "EMAIL_RECEIVED", "settings": {}}`,
			`[{"id": "s1", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"title": "x"}}}}]`,
			"trigger.type", []string{"EMAIL_RECEIVED"}},
		{"step cycle", personCreated,
			`[{"id": "a", "name": "A", "type": "CREATE_RECORD", "nextStepIds": ["b"], "settings": {"input": {"objectName": "task", "objectRecord": {"title": "a"}}}},
			  {"id": "b", "name": "B", "type": "CREATE_RECORD", "nextStepIds": ["a"], "settings": {"input": {"objectName": "task", "objectRecord": {"title": "b"}}}}]`,
			"steps.", []string{"cycle"}},
		{"next step missing", personCreated,
			`[{"id": "a", "type": "CREATE_RECORD", "nextStepIds": ["ghost"], "settings": {"input": {"objectName": "task", "objectRecord": {"title": "a"}}}}]`,
			"steps.a.nextStepIds", []string{"ghost"}},
		{"duplicate step id", personCreated,
			`[{"id": "a", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"title": "a"}}}},
			  {"id": "a", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"title": "b"}}}}]`,
			"steps[1].id", []string{"two steps"}},
		{"missing required input", personCreated,
			`[{"id": "mail", "name": "Mail", "type": "SEND_EMAIL", "settings": {"input": {"to": "a@b.test"}}}]`,
			"steps.mail.settings.input.subject", []string{"Mail", "required"}},
		{"bad delay", personCreated,
			`[{"id": "wait", "type": "DELAY", "settings": {"input": {"delayType": "DURATION", "duration": {"weeks": 1}}}}]`,
			"steps.wait.settings.input.duration", []string{"weeks"}},
		{"no trigger", `null`,
			`[{"id": "s1", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"title": "x"}}}}]`,
			"trigger", []string{"no trigger"}},
		{"no steps", personCreated, `[]`, "steps", []string{"no steps"}},
	}
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{noWork: true})
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				w, v := e.draft(c.name, c.trigger, c.steps)
				ok, err := e.svc.ActivateVersion(e.ctx, e.ws, v.ID)
				if ok {
					t.Fatal("ActivateVersion = true; want a refusal")
				}
				wantInvalid(t, err, c.field, c.msg...)
				got, err := e.svc.Version(e.ctx, e.ws, v.ID)
				if err != nil || got.Status != workflow.VersionDraft {
					t.Errorf("version after refusal = %v, %v; want DRAFT", got, err)
				}
				e.create(crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Nobody"}})
				if runs := e.runs(w.ID); len(runs) != 0 {
					t.Errorf("runs = %d; want none", len(runs))
				}
			})
		}
	})
}

// TestVersionLifecycle: only drafts change; activating archives the
// previous active version; a draft made from a version copies it.
func TestVersionLifecycle(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{noWork: true})
		w, v1 := e.active("Lifecycle", personCreated, welcomeSteps)
		name := "renamed"
		_, err := e.svc.UpdateVersion(e.ctx, e.ws, v1.ID, workflow.VersionInput{Name: &name})
		wantInvalid(t, err, "status", "only a DRAFT version can be changed")

		v2, err := e.svc.CreateDraftFromVersion(e.ctx, e.ws, w.ID, v1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v2.Status != workflow.VersionDraft || !jsonEqual(v2.Steps, v1.Steps) || v2.ID == v1.ID {
			t.Fatalf("draft from v1 = %+v; want a new DRAFT with v1's steps", v2)
		}
		if ok, err := e.svc.ActivateVersion(e.ctx, e.ws, v2.ID); err != nil || !ok {
			t.Fatalf("activate v2 = %v, %v", ok, err)
		}
		old, _ := e.svc.Version(e.ctx, e.ws, v1.ID)
		if old.Status != workflow.VersionArchived {
			t.Errorf("v1 after v2 was activated = %s; want ARCHIVED", old.Status)
		}
		got, _ := e.svc.Workflow(e.ctx, e.ws, w.ID)
		if got.LastPublishedVersionID == nil || *got.LastPublishedVersionID != v2.ID {
			t.Errorf("lastPublishedVersionId = %v; want %s", got.LastPublishedVersionID, v2.ID)
		}
		if ok, err := e.svc.DeactivateVersion(e.ctx, e.ws, v2.ID); err != nil || !ok {
			t.Fatalf("deactivate = %v, %v", ok, err)
		}
		got, _ = e.svc.Workflow(e.ctx, e.ws, w.ID)
		if len(got.Statuses) != 1 || got.Statuses[0] != workflow.VersionDeactivated {
			t.Errorf("statuses = %v; want [DEACTIVATED]", got.Statuses)
		}
		_, err = e.svc.DeactivateVersion(e.ctx, e.ws, v2.ID)
		wantInvalid(t, err, "workflowVersionId", "not ACTIVE")
		// Deleting the workflow takes its versions along.
		if _, err := e.svc.DeleteWorkflow(e.ctx, e.ws, w.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Version(e.ctx, e.ws, v2.ID); err == nil {
			t.Error("version of a deleted workflow still found")
		}
	})
}
