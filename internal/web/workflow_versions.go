package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/workflow"
)

type workflowVersionsData struct {
	Tab      string
	Workflow *workflow.Workflow
	Versions []*workflow.Version
	Admin    bool
}

// workflowVersions lists a workflow's versions, newest first, with their
// status; each opens read-only (a draft opens for editing).
func (u *UI) workflowVersions(w http.ResponseWriter, r *http.Request) error {
	q, err := u.workflowRequest(r, false)
	if err != nil {
		return err
	}
	wf := q.wf
	pg, err := q.svc.Versions(r.Context(), q.ws, workflow.VersionFilter{WorkflowID: wf.ID}, workflow.ListParams{First: 100})
	if err != nil {
		return err
	}
	return u.render(w, r, "workflow_versions", "Versions of "+wf.Name+" · Automations", workflowVersionsData{Tab: "versions", Workflow: wf, Versions: pg.Items, Admin: canChangeWorkflows(r)})
}
