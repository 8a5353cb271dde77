package workflow_test

import (
	"context"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/workflow"
)

const welcomeSteps = `[
 {"id": "task", "name": "Create task", "type": "CREATE_RECORD", "valid": true, "nextStepIds": ["tag"],
  "settings": {"input": {"objectName": "task", "objectRecord": {"title": "Welcome {{trigger.object.name.firstName}} {{trigger.object.name.lastName}}"}}}},
 {"id": "tag", "name": "Tag person", "type": "UPDATE_RECORD", "valid": true, "nextStepIds": [],
  "settings": {"input": {"objectName": "person", "objectRecordId": "{{trigger.object.id}}", "objectRecord": {"jobTitle": "welcomed by task {{task.id}}"}}}}
]`

// TestDatabaseEventRunsSteps: a person created through the records
// service starts one run of the active person.created workflow; its steps
// create a task and update the person through the records service (actor
// WORKFLOW), with variables from the trigger and the earlier step.
func TestDatabaseEventRunsSteps(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{})
		w, v := e.active("Welcome", `{"type": "DATABASE_EVENT", "settings": {"eventName": "person.created"}}`, welcomeSteps)
		p := e.create(crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Ada", "lastName": "Lovelace"}})[0]

		runs := e.waitRuns(w.ID, 1)
		r := runs[0]
		if r.Status != workflow.RunCompleted || r.WorkflowVersionID != v.ID {
			t.Fatalf("run = %s (version %s); want COMPLETED of %s: %s", r.Status, r.WorkflowVersionID, v.ID, stateJSON(r))
		}
		task := stepResult(t, r, "task")
		if task["title"] != "Welcome Ada Lovelace" {
			t.Errorf("task step output title = %v; want Welcome Ada Lovelace", task["title"])
		}
		if by, _ := task["createdBy"].(map[string]any); by["source"] != crm.SourceWorkflow || by["name"] != "Welcome" {
			t.Errorf("task createdBy = %v; want source WORKFLOW, name Welcome", by)
		}
		tasks := e.list(crm.TaskObject)
		if len(tasks) != 1 || tasks[0].Meta().ID != task["id"] {
			t.Fatalf("tasks = %d; want the one the step created (%v)", len(tasks), task["id"])
		}
		got, err := e.records.Get(e.ctx, e.ws, crm.PersonObject, p.Meta().ID)
		if err != nil {
			t.Fatal(err)
		}
		if jt := got.(*crm.Person).JobTitle; jt != "welcomed by task "+tasks[0].Meta().ID {
			t.Errorf("person jobTitle = %q; want it to name the task", jt)
		}
		for _, id := range []string{"trigger", "task", "tag"} {
			if st := r.State.StepInfos[id].Status; st != workflow.StepSuccess {
				t.Errorf("step %s = %s; want SUCCESS", id, st)
			}
		}
		if obj, _ := stepResult(t, r, "trigger")["object"].(map[string]any); obj["id"] != p.Meta().ID {
			t.Errorf("trigger.object.id = %v; want %s", obj["id"], p.Meta().ID)
		}
		// The run's own update of the person is an event too, but
		// person.updated has no workflow: still one run.
		if n := len(e.runs(w.ID)); n != 1 {
			t.Errorf("runs = %d; want 1", n)
		}
	})
}

// TestDatabaseEventFieldsAndFilter: an update trigger fires only when a
// watched field changed and the record matches the filter; the run sees the
// record before the change and the changed fields.
func TestDatabaseEventFieldsAndFilter(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{})
		w, _ := e.active("Moved to Paris", `{"type": "DATABASE_EVENT", "settings": {"eventName": "person.updated", "fields": ["city"], "filter": {"city": {"eq": "Paris"}}}}`, `[
		 {"id": "note", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "note", "objectRecord": {"title": "{{trigger.object.name.firstName}} moved from {{trigger.properties.before.city}} ({{trigger.updatedFields}})"}}}}]`)
		p := e.create(crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Grace"}, "city": "London"})[0]
		id := p.Meta().ID
		e.update(crm.PersonObject, id, crm.Input{"jobTitle": "Admiral"}) // not a watched field
		e.update(crm.PersonObject, id, crm.Input{"city": "Berlin"})      // filter does not match
		e.update(crm.PersonObject, id, crm.Input{"city": "Paris"})       // fires
		runs := e.waitRuns(w.ID, 1)
		note := stepResult(t, runs[0], "note")
		if want := `Grace moved from Berlin (["city"])`; note["title"] != want {
			t.Errorf("note title = %v; want %s", note["title"], want)
		}
		// A change that matches again starts a second run; nothing else does.
		e.update(crm.PersonObject, id, crm.Input{"city": "Lyon"})
		e.update(crm.PersonObject, id, crm.Input{"city": "Paris"})
		e.waitRuns(w.ID, 2)
	})
}

// TestEventsRedeliveredStartOneRun: the same committed events delivered
// twice (a retried crm_events job) start one run per event and version.
func TestEventsRedeliveredStartOneRun(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{noWork: true})
		w, _ := e.active("Welcome", `{"type": "DATABASE_EVENT", "settings": {"eventName": "person.upserted"}}`, welcomeSteps)
		p := e.create(crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Alan"}})[0]
		events := []crm.Event{{ID: crm.NewID(), WorkspaceID: e.ws, Object: crm.ObjectPerson, RecordID: p.Meta().ID, Kind: crm.EventCreated}}
		sub := e.svc.Subscriber()
		for i := 0; i < 3; i++ {
			if err := sub(context.Background(), events); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(e.runs(w.ID)); n != 1 {
			t.Fatalf("runs after three deliveries of one event = %d; want 1", n)
		}
		// Another event of the same record is another run.
		events[0].ID = crm.NewID()
		if err := sub(context.Background(), events); err != nil {
			t.Fatal(err)
		}
		if n := len(e.runs(w.ID)); n != 2 {
			t.Fatalf("runs after a second event = %d; want 2", n)
		}
	})
}
