package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
)

// workflowDeleteConfirm asks before deleting a workflow.
func (u *UI) workflowDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	q, err := u.workflowRequest(r, false)
	if err != nil {
		return err
	}
	return u.render(w, r, "workflow_delete", "Delete "+q.wf.Name+" · Automations", q.wf)
}

// workflowDelete deletes a workflow with its versions and runs.
func (u *UI) workflowDelete(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.workflowsService()
	if err != nil {
		return err
	}
	wf, err := svc.DeleteWorkflow(r.Context(), auth.PrincipalFrom(r.Context()).WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.redirect(w, r, "/workflows", "Workflow “"+wf.Name+"” deleted with its versions and runs.")
}
