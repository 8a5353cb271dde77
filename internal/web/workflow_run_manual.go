package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/workflow"
)

// workflowRunManual runs a workflow's active MANUAL version on the records
// a record page or a table selection posts (recordId, repeated), and opens
// the run.
func (u *UI) workflowRunManual(w http.ResponseWriter, r *http.Request) error {
	q, err := u.workflowRequest(r, false)
	if err != nil {
		return err
	}
	ctx, svc, wf, p := r.Context(), q.svc, q.wf, auth.PrincipalFrom(r.Context())
	active, err := svc.Versions(ctx, p.WorkspaceID, workflow.VersionFilter{WorkflowID: wf.ID, Status: workflow.VersionActive}, workflow.ListParams{First: 1})
	if err != nil {
		return err
	}
	if len(active.Items) == 0 {
		return crm.Invalid("workflowId", crm.CodeInvalidValue, "“%s” is not active: activate it before running it", wf.Name)
	}
	_ = r.ParseForm()
	ids := make([]any, 0, len(r.PostForm["recordId"]))
	for _, id := range r.PostForm["recordId"] {
		if id != "" {
			ids = append(ids, id)
		}
	}
	payload := map[string]any{}
	if len(ids) > 0 {
		payload["recordIds"] = ids
	}
	runID, err := svc.RunVersion(ctx, p.WorkspaceID, p.Actor(), active.Items[0].ID, payload)
	if err != nil {
		return err
	}
	return u.redirect(w, r, "/workflows/"+wf.ID+"/runs/"+runID, "“"+wf.Name+"” started.")
}
