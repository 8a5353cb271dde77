package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/workflow"
)

type workflowTestData struct {
	Tab      string
	Workflow *workflow.Workflow
	Version  *workflow.Version
	// Object is the object whose records can stand in for the trigger's
	// event ("" when only a JSON payload makes sense).
	Object   string
	Records  []option
	RecordID string
	Payload  string
	Errors   map[string]string
}

// workflowTestPage asks for what to test a version with: a record of the
// trigger's object, or a JSON payload.
func (u *UI) workflowTestPage(w http.ResponseWriter, r *http.Request) error {
	d, err := u.workflowTestData(r)
	if err != nil {
		return err
	}
	return u.render(w, r, "workflow_test", "Test run of "+d.Workflow.Name+" · Automations", d)
}

func (u *UI) workflowTestData(r *http.Request) (*workflowTestData, error) {
	q, err := u.workflowRequest(r, true)
	if err != nil {
		return nil, err
	}
	ctx, ws, wf, v := r.Context(), q.ws, q.wf, q.v
	d := &workflowTestData{Tab: "builder", Workflow: wf, Version: v, Object: workflow.SampleObject(v.Trigger), Payload: "{}", Errors: map[string]string{}}
	if o, ok := crm.ObjectByName(d.Object); ok {
		schema, err := u.cfg.Records.Schema(ctx, ws, o)
		if err != nil {
			return nil, err
		}
		pg, err := u.cfg.Records.List(ctx, ws, schema, crm.ListParams{First: 50})
		if err != nil {
			return nil, err
		}
		for _, rec := range pg.Records {
			d.Records = append(d.Records, option{Value: rec.Meta().ID, Label: recordName(rec)})
		}
	}
	return d, nil
}

// workflowTestRun starts a run of the version (runWorkflowVersion: a draft
// runs as a test) with the chosen record or payload, and opens the run.
func (u *UI) workflowTestRun(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.workflowsService()
	if err != nil {
		return err
	}
	d, err := u.workflowTestData(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	d.RecordID, d.Payload = r.PostFormValue("recordId"), strings.TrimSpace(r.PostFormValue("payload"))
	var payload map[string]any
	if d.RecordID != "" {
		payload, err = svc.SamplePayload(ctx, p.WorkspaceID, d.Version.ID, d.RecordID)
	} else if d.Payload != "" {
		if json.Unmarshal([]byte(d.Payload), &payload) != nil {
			err = crm.Invalid("payload", crm.CodeInvalidType, "not a JSON object, e.g. {\"body\": {\"email\": \"mia@example.com\"}}")
		}
	}
	var runID string
	if err == nil {
		runID, err = svc.RunVersion(ctx, p.WorkspaceID, p.Actor(), d.Version.ID, payload)
	}
	if err != nil {
		e, ok := crm.AsError(err)
		if !ok || (e.Cause != crm.ErrInvalid && e.Cause != crm.ErrNotFound) {
			return err
		}
		field := "payload"
		if e.Field == "recordId" || d.RecordID != "" && e.Cause == crm.ErrNotFound {
			field = "recordId"
		} else if e.Field != "payload" && !strings.HasPrefix(e.Field, "payload.") {
			field = "version" // the definition itself: fix it in the builder
		}
		d.Errors[field] = e.Message
		w.WriteHeader(http.StatusBadRequest)
		return u.render(w, r, "workflow_test", "Test run of "+d.Workflow.Name+" · Automations", d)
	}
	return u.redirect(w, r, "/workflows/"+d.Workflow.ID+"/runs/"+runID, "Test run started.")
}
