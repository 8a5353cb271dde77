package workflow_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/workflow"
)

const manualTrigger = `{"type": "MANUAL", "settings": {}}`

// run starts a manual run of an active version and waits for it to end.
func (e *env) run(v *workflow.Version, payload map[string]any) *workflow.Run {
	e.t.Helper()
	id, err := e.svc.RunVersion(e.ctx, e.ws, crm.Actor{Source: crm.SourceAPI, Name: "test"}, v.ID, payload)
	if err != nil {
		e.t.Fatalf("RunVersion: %v", err)
	}
	return e.waitRun(id)
}

// TestRecordActions: UPSERT_RECORD matches by email, FIND_RECORDS finds
// with the API's filter and order, UPDATE_RECORD writes only fieldsToUpdate,
// DELETE_RECORD soft-deletes; a record the service refuses fails the step
// at once (no retries help) with the service's message.
func TestRecordActions(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{})
		e.create(crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Bea"}, "emails": map[string]any{"primaryEmail": "bea@x.test"}, "city": "Oslo"})
		_, v := e.active("Records", manualTrigger, `[
		 {"id": "up", "type": "UPSERT_RECORD", "nextStepIds": ["find"], "settings": {"input": {"objectName": "person", "objectRecord": {"emails": {"primaryEmail": "BEA@x.test"}, "jobTitle": "CTO"}}}},
		 {"id": "find", "type": "FIND_RECORDS", "nextStepIds": ["upd"], "settings": {"input": {"objectName": "person", "filter": {"city": {"eq": "Oslo"}}, "orderBy": [{"createdAt": "AscNullsFirst"}], "limit": 5}}},
		 {"id": "upd", "type": "UPDATE_RECORD", "nextStepIds": ["del"], "settings": {"input": {"objectName": "person", "objectRecordId": "{{find.records.0.id}}",
		   "objectRecord": {"city": "Bergen", "jobTitle": "ignored"}, "fieldsToUpdate": ["city"]}}},
		 {"id": "del", "type": "DELETE_RECORD", "settings": {"input": {"objectName": "person", "objectRecordId": "{{up.id}}"}}}]`)
		r := e.run(v, nil)
		if r.Status != workflow.RunCompleted {
			t.Fatalf("run = %s: %s", r.Status, stateJSON(r))
		}
		if n := stepResult(t, r, "find")["totalCount"]; n != float64(1) {
			t.Errorf("find totalCount = %v; want 1", n)
		}
		upd := stepResult(t, r, "upd")
		if upd["city"] != "Bergen" || upd["jobTitle"] != "CTO" {
			t.Errorf("updated person city/jobTitle = %v/%v; want Bergen/CTO (only fieldsToUpdate written)", upd["city"], upd["jobTitle"])
		}
		if del := stepResult(t, r, "del"); del["deletedAt"] == nil {
			t.Errorf("deleted person deletedAt = nil; want set")
		}
		if n := len(e.list(crm.PersonObject)); n != 0 {
			t.Errorf("live people = %d; want 0 (the upsert matched Bea, then she was deleted)", n)
		}

		// A bad value fails at once with the records service's message.
		_, bad := e.active("Bad", manualTrigger, `[{"id": "t", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"status": "{{trigger.status}}"}}}}]`)
		r = e.run(bad, map[string]any{"status": "SOMEDAY"})
		info := r.State.StepInfos["t"]
		if r.Status != workflow.RunFailed || info.Status != workflow.StepFailed || info.Error == nil || !strings.Contains(*info.Error, "SOMEDAY") {
			t.Fatalf("run with a bad status = %s, step %+v; want FAILED naming SOMEDAY", r.Status, info)
		}
		if r.State.WorkflowRunError == nil || !strings.Contains(*r.State.WorkflowRunError, `step "t"`) {
			t.Errorf("workflowRunError = %v; want it to name the step", r.State.WorkflowRunError)
		}
		if n := len(e.list(crm.TaskObject)); n != 0 {
			t.Errorf("tasks after the failed step = %d; want 0", n)
		}
	})
}

// TestFlowActions: IF_ELSE follows the matching branch (else otherwise),
// FILTER stops its branch, ITERATOR runs its body once per item.
func TestFlowActions(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{})
		_, v := e.active("Flow", manualTrigger, `[
		 {"id": "branch", "type": "IF_ELSE", "settings": {"input": {
		   "stepFilterGroups": [{"id": "g1", "logicalOperator": "AND"}],
		   "stepFilters": [{"id": "f1", "stepFilterGroupId": "g1", "stepOutputKey": "{{trigger.amount}}", "operand": "GREATER_THAN_OR_EQUAL", "value": "100"},
		                   {"id": "f2", "stepFilterGroupId": "g1", "stepOutputKey": "{{trigger.plan}}", "operand": "IS", "value": "[\"GOLD\",\"PLATINUM\"]"}],
		   "branches": [{"id": "big", "filterGroupId": "g1", "nextStepIds": ["vip"]}, {"id": "else", "nextStepIds": ["gate"]}]}}},
		 {"id": "vip", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "note", "objectRecord": {"title": "VIP {{trigger.name}}"}}}},
		 {"id": "gate", "type": "FILTER", "nextStepIds": ["loop"], "settings": {"input": {
		   "stepFilterGroups": [], "stepFilters": [{"id": "f3", "stepOutputKey": "{{trigger.name}}", "operand": "isNotEmpty", "value": ""}]}}},
		 {"id": "loop", "type": "ITERATOR", "settings": {"input": {"items": "{{trigger.tasks}}", "initialLoopStepIds": ["each"]}}},
		 {"id": "each", "type": "CREATE_RECORD", "nextStepIds": ["loop"], "settings": {"input": {"objectName": "task", "objectRecord": {"title": "{{loop.currentItemIndex}}: {{loop.currentItem.title}}"}}}}]`)

		r := e.run(v, map[string]any{"amount": 250, "plan": "GOLD", "name": "Ada"})
		if r.Status != workflow.RunCompleted || stepResult(t, r, "branch")["matchedBranchId"] != "big" {
			t.Fatalf("big run = %s, branch %v: %s", r.Status, stepResult(t, r, "branch"), stateJSON(r))
		}
		if st := r.State.StepInfos["gate"].Status; st != workflow.StepNotStarted {
			t.Errorf("else branch step in the big run = %s; want NOT_STARTED", st)
		}
		notes := e.list(crm.NoteObject)
		if len(notes) != 1 || notes[0].(*crm.Note).Title != "VIP Ada" {
			t.Fatalf("notes = %v; want one VIP Ada", notes)
		}

		r = e.run(v, map[string]any{"amount": 250, "plan": "SILVER", "name": "Bob", "tasks": []any{map[string]any{"title": "a"}, map[string]any{"title": "b"}, map[string]any{"title": "c"}}})
		if r.Status != workflow.RunCompleted || stepResult(t, r, "branch")["matchedBranchId"] != "else" {
			t.Fatalf("else run = %s: %s", r.Status, stateJSON(r))
		}
		var titles []string
		for _, rec := range e.list(crm.TaskObject) {
			titles = append(titles, rec.(*crm.Task).Title)
		}
		if got := strings.Join(sorted(titles), ","); got != "0: a,1: b,2: c" {
			t.Errorf("iterator tasks = %s; want 0: a,1: b,2: c", got)
		}
		if it := stepResult(t, r, "loop"); it["hasProcessedAllItems"] != true {
			t.Errorf("iterator output = %v; want hasProcessedAllItems", it)
		}

		// An empty name stops the else branch at the FILTER.
		before := len(e.list(crm.TaskObject))
		r = e.run(v, map[string]any{"amount": 1, "plan": "GOLD", "name": "", "tasks": []any{map[string]any{"title": "x"}}})
		if r.Status != workflow.RunCompleted || stepResult(t, r, "gate")["passed"] != false || r.State.StepInfos["loop"].Status != workflow.StepNotStarted {
			t.Fatalf("filtered run = %s: %s; want COMPLETED with the loop not started", r.Status, stateJSON(r))
		}
		if n := len(e.list(crm.TaskObject)); n != before {
			t.Errorf("tasks after a filtered run = %d; want %d", n, before)
		}
	})
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestDelayWaits: a DELAY leaves the run RUNNING with the step PENDING and
// no worker holding it, then resumes from a scheduled job.
func TestDelayWaits(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{})
		_, v := e.active("Wait", manualTrigger, `[
		 {"id": "wait", "type": "DELAY", "nextStepIds": ["after"], "settings": {"input": {"delayType": "DURATION", "duration": {"seconds": 2}}}},
		 {"id": "after", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "note", "objectRecord": {"title": "waited until {{wait.resumeAt}}"}}}}]`)
		id, err := e.svc.RunVersion(e.ctx, e.ws, crm.Actor{Source: crm.SourceAPI}, v.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		var mid *workflow.Run
		for mid == nil || mid.State.StepInfos["wait"].Status != workflow.StepPending {
			if mid, err = e.svc.Run(e.ctx, e.ws, id); err != nil {
				t.Fatal(err)
			}
			if mid.Status == workflow.RunCompleted {
				t.Fatal("run completed without waiting")
			}
		}
		if mid.Status != workflow.RunRunning {
			t.Errorf("run during the delay = %s; want RUNNING", mid.Status)
		}
		r := e.waitRun(id)
		if r.Status != workflow.RunCompleted || !strings.HasPrefix(fmt.Sprint(stepResult(t, r, "after")["title"]), "waited until 20") {
			t.Fatalf("run = %s: %s", r.Status, stateJSON(r))
		}
		if !r.EndedAt.After(r.StartedAt.Add(1500_000_000)) {
			t.Errorf("run took %v; want at least the 2 s delay", r.EndedAt.Sub(*r.StartedAt))
		}
	})
}

// TestHTTPRequest: the request carries the rendered body, headers and the
// idempotency key; a JSON answer is parsed; a 5xx is retried (1, 5, 15 s in
// production, shortened here) and then fails the run, or lets it go on
// with continueOnFailure; a private address is refused without
// ROSTER_ALLOW_PRIVATE_NETWORK.
func TestHTTPRequest(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		var mu sync.Mutex
		var got []*http.Request
		var bodies []string
		fails := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			got, bodies = append(got, r), append(bodies, string(b))
			mu.Unlock()
			if r.URL.Path == "/flaky" {
				fails++
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "echo": json.RawMessage(b)})
		}))
		defer srv.Close()
		e := newEnv(t, s, envOpts{private: true})
		_, v := e.active("Call", manualTrigger, fmt.Sprintf(`[
		 {"id": "call", "type": "HTTP_REQUEST", "nextStepIds": ["note"], "settings": {"input": {"url": "%s/hook?who={{trigger.name}}", "method": "POST",
		   "headers": {"X-Plan": "{{trigger.plan}}"}, "body": {"name": "{{trigger.name}}", "n": "{{trigger.n}}"}}}},
		 {"id": "note", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "note", "objectRecord": {"title": "status {{call.status}} ok {{call.body.ok}}"}}}}]`, srv.URL))
		r := e.run(v, map[string]any{"name": "Ada", "plan": "GOLD", "n": 3})
		if r.Status != workflow.RunCompleted || stepResult(t, r, "note")["title"] != "status 200 ok true" {
			t.Fatalf("run = %s: %s", r.Status, stateJSON(r))
		}
		mu.Lock()
		req, body := got[0], bodies[0]
		mu.Unlock()
		if req.URL.Query().Get("who") != "Ada" || req.Header.Get("X-Plan") != "GOLD" || req.Header.Get("Idempotency-Key") != r.ID+":call" {
			t.Errorf("request = %s headers %v; want who=Ada, X-Plan GOLD, Idempotency-Key %s:call", req.URL, req.Header, r.ID)
		}
		if body != `{"n":3,"name":"Ada"}` {
			t.Errorf("request body = %s; want the rendered object as JSON, the number kept a number", body)
		}

		_, flaky := e.active("Flaky", manualTrigger, fmt.Sprintf(`[{"id": "call", "type": "HTTP_REQUEST", "settings": {"input": {"url": "%s/flaky"}}}]`, srv.URL))
		r = e.run(flaky, nil)
		if r.Status != workflow.RunFailed || !strings.Contains(*r.State.StepInfos["call"].Error, "503") {
			t.Fatalf("flaky run = %s: %s; want FAILED with the 503", r.Status, stateJSON(r))
		}
		if fails != 4 {
			t.Errorf("attempts at the flaky URL = %d; want 4 (one and three retries)", fails)
		}
		_, tolerant := e.active("Tolerant", manualTrigger, fmt.Sprintf(`[
		 {"id": "call", "type": "HTTP_REQUEST", "nextStepIds": ["after"], "settings": {"input": {"url": "%s/flaky"},
		   "errorHandlingOptions": {"continueOnFailure": {"value": true}, "retryOnFailure": {"value": false}}}},
		 {"id": "after", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "note", "objectRecord": {"title": "carried on"}}}}]`, srv.URL))
		fails = 0
		r = e.run(tolerant, nil)
		if r.Status != workflow.RunCompleted || r.State.StepInfos["call"].Status != workflow.StepFailed || r.State.StepInfos["after"].Status != workflow.StepSuccess {
			t.Fatalf("continueOnFailure run = %s: %s", r.Status, stateJSON(r))
		}
		if fails != 1 {
			t.Errorf("attempts without retryOnFailure = %d; want 1", fails)
		}
	})
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{private: false})
		_, v := e.active("Metadata", manualTrigger, `[{"id": "call", "type": "HTTP_REQUEST", "settings": {"input": {"url": "http://169.254.169.254/latest/meta-data/"}}}]`)
		r := e.run(v, nil)
		info := r.State.StepInfos["call"]
		if r.Status != workflow.RunFailed || info.Error == nil || !strings.Contains(*info.Error, "not allowed") {
			t.Fatalf("metadata address run = %s, step %+v; want FAILED as a refused destination", r.Status, info)
		}
	})
}

// TestSendEmail: SEND_EMAIL goes through a real SMTP conversation with the
// rendered subject and body and the run's idempotency key, and lands on
// the timeline of the person it was sent to; with the log driver the
// output says the message was not sent.
func TestSendEmail(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{smtp: true})
		w, _ := e.active("Welcome mail", `{"type": "DATABASE_EVENT", "settings": {"eventName": "person.created"}}`, `[
		 {"id": "mail", "type": "SEND_EMAIL", "settings": {"input": {"to": "{{trigger.object.emails.primaryEmail}}", "cc": ["team@acme.test"],
		   "subject": "Welcome, {{trigger.object.name.firstName}}", "body": "Hello {{trigger.object.name.firstName}},\n\nGlad you joined."}}}]`)
		p := e.create(crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Ada"}, "emails": map[string]any{"primaryEmail": "ada@acme.test"}})[0]
		r := e.waitRuns(w.ID, 1)[0]
		if r.Status != workflow.RunCompleted || stepResult(t, r, "mail")["sent"] != true {
			t.Fatalf("run = %s: %s", r.Status, stateJSON(r))
		}
		msgs := e.sink.Messages()
		if len(msgs) != 1 {
			t.Fatalf("SMTP messages = %d; want 1", len(msgs))
		}
		m := msgs[0]
		if m.Header.Get("Subject") != "Welcome, Ada" || m.Header.Get("Idempotency-Key") != r.ID+":mail" || len(m.To) != 2 {
			t.Errorf("message subject %q, key %q, rcpt %v; want Welcome, Ada / %s:mail / two recipients", m.Header.Get("Subject"), m.Header.Get("Idempotency-Key"), m.To, r.ID)
		}
		if !strings.Contains(string(m.Data), "Hello Ada") {
			t.Errorf("message body does not greet Ada: %s", m.Data)
		}
		acts, err := e.records.Timeline(e.ctx, e.ws, crm.PersonObject, p.Meta().ID, "", 20)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, a := range acts {
			found = found || (a.Name == "email.sent" && a.Actor.Source == crm.SourceWorkflow && a.Properties["subject"] == "Welcome, Ada")
		}
		if !found {
			t.Errorf("person timeline has no email.sent activity from the workflow: %v", acts)
		}
	})
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{})
		_, v := e.active("Logged", manualTrigger, `[{"id": "mail", "type": "SEND_EMAIL", "settings": {"input": {"to": "x@acme.test", "subject": "Hi", "body": "x"}}}]`)
		r := e.run(v, nil)
		out := stepResult(t, r, "mail")
		if r.Status != workflow.RunCompleted || out["sent"] != false || !strings.Contains(fmt.Sprint(out["note"]), "not sent") {
			t.Fatalf("log driver run = %s, output %v; want COMPLETED saying not sent", r.Status, out)
		}
	})
}

// TestLoopProtection: a workflow whose step creates the record that
// triggers it runs five levels deep; the sixth run is refused and recorded
// as FAILED, and nothing more happens.
func TestLoopProtection(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{})
		w, _ := e.active("Echo", `{"type": "DATABASE_EVENT", "settings": {"eventName": "task.created"}}`,
			`[{"id": "again", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"title": "echo of {{trigger.object.title}}"}}}}]`)
		e.create(crm.TaskObject, crm.Input{"title": "seed"})
		runs := e.waitRuns(w.ID, workflow.MaxChainDepth+1)
		failed := 0
		for _, r := range runs {
			if r.Status == workflow.RunFailed {
				failed++
				if r.State.WorkflowRunError == nil || !strings.Contains(*r.State.WorkflowRunError, "loop protection") {
					t.Errorf("failed run error = %v; want loop protection", r.State.WorkflowRunError)
				}
			}
		}
		if failed != 1 {
			t.Errorf("failed runs = %d; want exactly the sixth", failed)
		}
		if n := len(e.list(crm.TaskObject)); n != 1+workflow.MaxChainDepth {
			t.Errorf("tasks = %d; want the seed and %d echoes", n, workflow.MaxChainDepth)
		}
	})
}

// TestManualRunAndStop: a MANUAL trigger on an object loads the selected
// records; stopping a waiting run ends it STOPPED with the waiting step
// STOPPED and its later steps never run.
func TestManualRunAndStop(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{})
		people := e.create(crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Ada"}}, crm.Input{"name": map[string]any{"firstName": "Alan"}})
		_, v := e.active("Selection", `{"type": "MANUAL", "settings": {"objectType": "person"}}`, `[
		 {"id": "n", "type": "CREATE_RECORD", "nextStepIds": ["wait"], "settings": {"input": {"objectName": "note", "objectRecord": {"title": "{{trigger.object.name.firstName}} and {{trigger.objects.1.name.firstName}}"}}}},
		 {"id": "wait", "type": "DELAY", "nextStepIds": ["late"], "settings": {"input": {"delayType": "DURATION", "duration": {"days": 3}}}},
		 {"id": "late", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "note", "objectRecord": {"title": "too late"}}}}]`)
		id, err := e.svc.RunVersion(e.ctx, e.ws, crm.Actor{Source: crm.SourceManual, Name: "Ada Admin"}, v.ID,
			map[string]any{"recordIds": []any{people[0].Meta().ID, people[1].Meta().ID}})
		if err != nil {
			t.Fatal(err)
		}
		var r *workflow.Run
		for r == nil || r.State.StepInfos["wait"].Status != workflow.StepPending {
			if r, err = e.svc.Run(e.ctx, e.ws, id); err != nil {
				t.Fatal(err)
			}
		}
		if title := stepResult(t, r, "n")["title"]; title != "Ada and Alan" {
			t.Errorf("note title = %v; want Ada and Alan", title)
		}
		if r.CreatedBy.Source != crm.SourceManual || r.CreatedBy.Name != "Ada Admin" {
			t.Errorf("createdBy = %+v; want the person who ran it", r.CreatedBy)
		}
		stopped, err := e.svc.StopRun(e.ctx, e.ws, id)
		if err != nil || stopped.Status != workflow.RunStopped || stopped.State.StepInfos["wait"].Status != workflow.StepStopped {
			t.Fatalf("StopRun = %+v, %v; want STOPPED with the delay STOPPED", stopped, err)
		}
		if st := stopped.State.StepInfos["late"].Status; st != workflow.StepNotStarted {
			t.Errorf("step after the stop = %s; want NOT_STARTED", st)
		}
		_, err = e.svc.RunVersion(e.ctx, e.ws, crm.Actor{}, v.ID, map[string]any{"recordIds": []any{"not-an-id"}})
		if err == nil {
			t.Error("a manual run naming a record that does not exist started")
		}
	})
}
