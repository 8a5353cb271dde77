package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/workflow"
)

// builderForm is the builder's form for a trigger and steps, as a browser
// posts it; steps are maps of the step's form fields (id, type, name, ...).
func builderForm(op string, trigger map[string]string, steps ...map[string]string) url.Values {
	v := url.Values{"op": {op}, "steps": {strconv.Itoa(len(steps))}}
	for k, x := range trigger {
		v.Set("t."+k, x)
	}
	for i, s := range steps {
		for k, x := range s {
			v.Set("s."+strconv.Itoa(i)+"."+k, x)
		}
	}
	return v
}

func TestWorkflowBuilderErrors(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newWorkflowSite(t, s)
		admin := site.browser()
		ws := site.signIn(admin)
		ctx := context.Background()
		wfID, vID := admin.createWorkflow("Ticker")
		page := "/workflows/" + wfID + "/versions/" + vID

		t.Run("a bad cron pattern is shown at the pattern field", func(t *testing.T) {
			form := builderForm("activate", map[string]string{"type": "CRON", "cronType": "CUSTOM", "pattern": "61 * * * *"},
				map[string]string{"id": "step1", "type": "CREATE_RECORD", "name": "Task", "object": "task", "record": "title: tick"})
			code, body, _ := admin.settingsPost(page, page, form)
			if code != http.StatusUnprocessableEntity {
				t.Fatalf("save and activate with a bad pattern = %d; want 422", code)
			}
			m := regexp.MustCompile(`<p class="field-error" id="t-pattern-error">([^<]*)</p>`).FindStringSubmatch(body)
			if m == nil || !strings.Contains(m[1], "61 * * * *") || !strings.Contains(m[1], "5-field cron pattern") {
				t.Errorf("pattern error = %v; want the engine's message at t-pattern", m)
			}
			if !strings.Contains(body, `href="#t-pattern"`) || !strings.Contains(body, `aria-describedby="t-pattern-error"`) {
				t.Error("the error summary does not link to the pattern field, or the field is not described by its error")
			}
			v, err := site.wf.Version(ctx, ws, vID)
			if err != nil || v.Status != workflow.VersionDraft || !strings.Contains(string(v.Trigger), "61 * * * *") {
				t.Errorf("version after refused activation = %v, %v; want the DRAFT saved with the pattern", v, err)
			}
		})

		t.Run("a step field the engine refuses is shown at the step", func(t *testing.T) {
			form := builderForm("activate", map[string]string{"type": "DATABASE_EVENT", "object": "person", "event": "created"},
				map[string]string{"id": "step1", "type": "CREATE_RECORD", "name": "Task", "object": "task", "record": "title: Hi {{trigger.object.name.nickname}}"})
			code, body, _ := admin.settingsPost(page, page, form)
			if code != http.StatusUnprocessableEntity || !regexp.MustCompile(`id="s0-record-error">[^<]*nickname`).MatchString(body) {
				t.Errorf("unknown variable = %d; want 422 with the error at the step's fields (s0-record)", code)
			}
		})

		t.Run("unreadable form text saves nothing", func(t *testing.T) {
			before, _ := site.wf.Version(ctx, ws, vID)
			form := builderForm("save", map[string]string{"type": "DATABASE_EVENT", "object": "person", "event": "created"},
				map[string]string{"id": "step1", "type": "FIND_RECORDS", "name": "Find", "object": "company", "filter": "{not json"})
			code, body, _ := admin.settingsPost(page, page, form)
			if code != http.StatusBadRequest || !strings.Contains(body, `id="s0-filter-error"`) {
				t.Errorf("bad filter JSON = %d; want 400 with the error at s0-filter", code)
			}
			after, _ := site.wf.Version(ctx, ws, vID)
			if string(after.Steps) != string(before.Steps) || string(after.Trigger) != string(before.Trigger) {
				t.Errorf("steps after a refused save = %s; want unchanged %s", after.Steps, before.Steps)
			}
		})

		t.Run("the JSON editor saves what it can read and opens shapes the list cannot show", func(t *testing.T) {
			code, body, _ := admin.settingsPost(page, page+"/json", url.Values{"trigger": {`{"type": "MANUAL"`}, "steps": {"[]"}})
			if code != http.StatusBadRequest || !strings.Contains(body, `href="#json-trigger"`) {
				t.Errorf("JSON editor with a broken trigger = %d; want 400 linking to the trigger", code)
			}
			parallel := `[{"id":"a","type":"DELAY","nextStepIds":["b","c"],"settings":{"input":{"delayType":"DURATION","duration":{"minutes":1}}}},
				{"id":"b","type":"DELAY","settings":{"input":{"delayType":"DURATION","duration":{"minutes":1}}}},
				{"id":"c","type":"DELAY","settings":{"input":{"delayType":"DURATION","duration":{"minutes":1}}}}]`
			if code, _, _ := admin.settingsPost(page, page+"/json", url.Values{"trigger": {`{"type": "MANUAL", "settings": {}}`}, "steps": {parallel}}); code != http.StatusSeeOther {
				t.Fatalf("JSON editor with a valid definition = %d; want 303", code)
			}
			_, body, _ = admin.get(page)
			if !strings.Contains(body, "leads to several steps at once") || !strings.Contains(body, `id="json-steps"`) {
				t.Error("a version with parallel steps does not open in the JSON editor saying why")
			}
			if v, _ := site.wf.Version(ctx, ws, vID); !strings.Contains(string(v.Steps), `"c"`) {
				t.Errorf("steps after the JSON save = %s", v.Steps)
			}
		})

		t.Run("members read but do not change workflows", func(t *testing.T) {
			member := site.member(ws, "mo@acme.test", auth.RoleMember)
			code, body, _ := member.get("/workflows")
			if code != http.StatusOK || !strings.Contains(body, "Ticker") || strings.Contains(body, "Create workflow") {
				t.Errorf("member GET /workflows = %d; want the list without the create form", code)
			}
			if code, _, _ := member.settingsPost("/workflows", "/workflows", url.Values{"name": {"Mine"}}); code != http.StatusForbidden {
				t.Errorf("member POST /workflows = %d; want 403", code)
			}
			code, body, _ = member.get(page)
			if code != http.StatusOK || strings.Contains(body, "Save and activate") || !strings.Contains(body, "disabled") {
				t.Errorf("member GET builder = %d; want it read-only", code)
			}
			form := builderForm("save", map[string]string{"type": "MANUAL"})
			if code, _, _ := member.settingsPost(page, page, form); code != http.StatusForbidden {
				t.Errorf("member save = %d; want 403", code)
			}
			if code, _, _ := member.settingsPost(page, page+"/activate", nil); code != http.StatusForbidden {
				t.Errorf("member activate = %d; want 403", code)
			}
			if code, _, _ := member.settingsPost("/workflows", "/workflows/"+wfID+"/delete", nil); code != http.StatusForbidden {
				t.Errorf("member delete = %d; want 403", code)
			}
		})

		t.Run("another workspace's workflow is not found", func(t *testing.T) {
			other := site.browser()
			if _, _, err := site.auth.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: "Other", AdminEmail: "o@other.test", AdminPassword: "password-123", AdminName: "O"}); err != nil {
				t.Fatal(err)
			}
			if code, _, _ := other.post("/login", url.Values{"email": {"o@other.test"}, "password": {"password-123"}}); code != http.StatusSeeOther {
				t.Fatal("sign in")
			}
			if code, _, _ := other.get(page); code != http.StatusNotFound {
				t.Errorf("GET another workspace's version = %d; want 404", code)
			}
		})
	})
}

func TestWorkflowBuildActivateRun(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newWorkflowSite(t, s)
		admin := site.browser()
		ws := site.signIn(admin)
		ctx := context.Background()
		actor := crm.Actor{Source: crm.SourceAPI, Name: "test"}

		t.Run("a person.created workflow runs when a person is created", func(t *testing.T) {
			wfID, vID := admin.createWorkflow("Greet people")
			page := "/workflows/" + wfID + "/versions/" + vID
			form := builderForm("activate", map[string]string{"type": "DATABASE_EVENT", "object": "person", "event": "created"},
				map[string]string{"id": "step1", "type": "CREATE_RECORD", "name": "Welcome task", "object": "task", "record": "title: Welcome {{trigger.object.name.firstName}}\nstatus: TODO"})
			if code, body, _ := admin.settingsPost(page, page, form); code != http.StatusSeeOther {
				t.Fatalf("save and activate = %d: %s", code, body)
			}
			if v, _ := site.wf.Version(ctx, ws, vID); v.Status != workflow.VersionActive {
				t.Fatalf("version = %s; want ACTIVE", v.Status)
			}
			if _, err := site.records.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: actor,
				Inputs: []crm.Input{{"name": map[string]any{"firstName": "Ada", "lastName": "Lovelace"}}}}); err != nil {
				t.Fatal(err)
			}
			var runs *workflow.Page[*workflow.Run]
			waitFor(t, func() bool {
				runs, _ = site.wf.Runs(ctx, ws, workflow.RunFilter{WorkflowID: wfID}, workflow.ListParams{})
				return runs != nil && len(runs.Items) == 1
			})
			run := site.waitRun(ws, runs.Items[0].ID)
			if run.Status != workflow.RunCompleted {
				t.Fatalf("run = %s; want COMPLETED", run.Status)
			}
			_, body, _ := admin.get("/workflows/" + wfID + "/runs/" + run.ID)
			for _, want := range []string{`data-status="COMPLETED"`, "Welcome task", "Welcome Ada", "took ", "Input", "Output"} {
				if !strings.Contains(body, want) {
					t.Errorf("run page lacks %q", want)
				}
			}
			if strings.Contains(body, "Stop run") {
				t.Error("a completed run offers Stop")
			}
			_, body, _ = admin.get("/workflows")
			row := regexp.MustCompile(`(?s)Greet people</a></td>.*?</tr>`).FindString(body)
			if !strings.Contains(row, "Active") || !strings.Contains(row, `data-status="COMPLETED"`) || !strings.Contains(row, `<td data-label="Runs in 7 days">1</td>`) {
				t.Errorf("list row = %q; want Active, the last run COMPLETED and 1 run in 7 days", row)
			}
		})

		t.Run("editing the active version makes a draft", func(t *testing.T) {
			_, v, err := site.wf.CreateFromTemplate(ctx, ws, "trial-ending")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := site.wf.ActivateVersion(ctx, ws, v.ID); err != nil {
				t.Fatal(err)
			}
			page := "/workflows/" + v.WorkflowID + "/versions/" + v.ID
			_, body, _ := admin.get(page)
			if !strings.Contains(body, "Edit (make a draft from") || strings.Contains(body, "Save and activate") {
				t.Error("the active version is not read-only with an edit button")
			}
			code, _, h := admin.settingsPost(page, page+"/draft", nil)
			m := versionPathRE.FindStringSubmatch(h.Get("Location"))
			if code != http.StatusSeeOther || m == nil || m[2] == v.ID {
				t.Fatalf("draft from active = %d to %q; want a new draft", code, h.Get("Location"))
			}
			d, _ := site.wf.Version(ctx, ws, m[2])
			if d.Status != workflow.VersionDraft || !sameJSON(d.Steps, v.Steps) {
				t.Errorf("draft = %s with %s; want a DRAFT copy", d.Status, d.Steps)
			}
			_, body, _ = admin.get("/workflows/" + v.WorkflowID + "/versions")
			if !strings.Contains(body, "Active") || !strings.Contains(body, "Draft") {
				t.Error("version history does not list the active version and the draft")
			}
		})

		t.Run("a manual workflow runs from a record page", func(t *testing.T) {
			wfID, vID := admin.createWorkflow("Mark VIP")
			page := "/workflows/" + wfID + "/versions/" + vID
			form := builderForm("activate", map[string]string{"type": "MANUAL", "objectType": "person"},
				map[string]string{"id": "step1", "type": "UPDATE_RECORD", "name": "VIP", "object": "person", "recordId": "{{trigger.object.id}}", "record": "jobTitle: VIP"})
			if code, body, _ := admin.settingsPost(page, page, form); code != http.StatusSeeOther {
				t.Fatalf("save and activate = %d: %s", code, body)
			}
			recs, err := site.records.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: actor,
				Inputs: []crm.Input{{"name": map[string]any{"firstName": "Grace", "lastName": "Hopper"}}}})
			if err != nil {
				t.Fatal(err)
			}
			id := recs[0].Meta().ID
			_, body, _ := admin.get("/people/" + id)
			if !strings.Contains(body, "Run workflow") || !strings.Contains(body, `action="/workflows/`+wfID+`/run"`) {
				t.Fatal("the person page has no Run workflow menu with the workflow")
			}
			if _, body, _ := admin.get("/companies"); strings.Contains(body, "Mark VIP") {
				t.Error("a person workflow is offered on companies")
			}
			code, _, h := admin.settingsPost("/people/"+id, "/workflows/"+wfID+"/run", url.Values{"recordId": {id}})
			m := regexp.MustCompile(`/runs/([0-9a-f-]+)$`).FindStringSubmatch(h.Get("Location"))
			if code != http.StatusSeeOther || m == nil {
				t.Fatalf("run = %d to %q; want the run page", code, h.Get("Location"))
			}
			if run := site.waitRun(ws, m[1]); run.Status != workflow.RunCompleted {
				t.Fatalf("run = %s; want COMPLETED", run.Status)
			}
			p, _ := site.records.Get(ctx, ws, crm.PersonObject, id)
			if p.(*crm.Person).JobTitle != "VIP" {
				t.Errorf("jobTitle = %q; want VIP", p.(*crm.Person).JobTitle)
			}
		})

		t.Run("a test run of a draft with a sample record, stopped while it waits", func(t *testing.T) {
			wfID, vID := admin.createWorkflow("Slow")
			page := "/workflows/" + wfID + "/versions/" + vID
			form := builderForm("save", map[string]string{"type": "DATABASE_EVENT", "object": "person", "event": "updated"},
				map[string]string{"id": "step1", "type": "DELAY", "name": "Wait", "delayType": "DURATION", "days": "1"},
				map[string]string{"id": "step2", "type": "CREATE_RECORD", "name": "Note", "object": "note", "record": "title: {{trigger.object.name.firstName}}"})
			if code, body, _ := admin.settingsPost(page, page, form); code != http.StatusSeeOther {
				t.Fatalf("save = %d: %s", code, body)
			}
			recs, _ := site.records.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: actor,
				Inputs: []crm.Input{{"name": map[string]any{"firstName": "Linus"}}}})
			_, body, _ := admin.get(page + "/test")
			if !strings.Contains(body, `value="`+recs[0].Meta().ID+`"`) {
				t.Fatal("the test page does not offer the person")
			}
			code, _, h := admin.settingsPost(page+"/test", page+"/test", url.Values{"recordId": {recs[0].Meta().ID}})
			m := regexp.MustCompile(`/runs/([0-9a-f-]+)$`).FindStringSubmatch(h.Get("Location"))
			if code != http.StatusSeeOther || m == nil {
				t.Fatalf("test run = %d to %q", code, h.Get("Location"))
			}
			runPage := "/workflows/" + wfID + "/runs/" + m[1]
			waitFor(t, func() bool {
				r, _ := site.wf.Run(ctx, ws, m[1])
				return r.State.StepInfos["step1"].Status == workflow.StepPending
			})
			_, body, _ = admin.get(runPage)
			if !strings.Contains(body, "Stop run") || !strings.Contains(body, "data-live") {
				t.Fatal("a waiting run's page has no Stop button or live refresh")
			}
			if code, _, _ := admin.settingsPost(runPage, runPage+"/stop", nil); code != http.StatusSeeOther {
				t.Fatalf("stop = %d", code)
			}
			if r, _ := site.wf.Run(ctx, ws, m[1]); r.Status != workflow.RunStopped {
				t.Errorf("run after stop = %s; want STOPPED", r.Status)
			}
			code, body, _ = admin.settingsPost(page+"/test", page+"/test", url.Values{"payload": {"[1, 2]"}})
			if code != http.StatusBadRequest || !strings.Contains(body, `id="test-payload-error"`) {
				t.Errorf("test run with a payload that is not an object = %d; want 400 at the payload", code)
			}
		})
	})
}

// sameJSON compares JSON documents by value (PostgreSQL's jsonb orders keys
// its own way).
func sameJSON(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}
