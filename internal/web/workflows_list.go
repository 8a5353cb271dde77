package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/workflow"
)

// workflowRow is one line of the workflow list.
type workflowRow struct {
	Workflow *workflow.Workflow
	Summary  *workflow.Summary
}

type workflowsData struct {
	Rows      []workflowRow
	Templates []workflow.Template
	Admin     bool
	Name      string
	Errors    map[string]string
	More      string // cursor of the next page
}

// workflowsService returns the engine, or an error page's error when the
// server runs without it.
func (u *UI) workflowsService() (*workflow.Service, error) {
	if u.cfg.Workflows == nil {
		return nil, crm.Invalid("", crm.CodeInvalidValue, "Automations are not enabled on this server.")
	}
	return u.cfg.Workflows, nil
}

// workflowsPage lists the workspace's workflows with their status, last
// run and runs of the last 7 days, the templates and a form to add one.
func (u *UI) workflowsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := u.workflowsData(r)
	if err != nil {
		return err
	}
	return u.render(w, r, "workflows", "Automations", d)
}

func (u *UI) workflowsData(r *http.Request) (*workflowsData, error) {
	svc, err := u.workflowsService()
	if err != nil {
		return nil, err
	}
	ws := auth.PrincipalFrom(r.Context()).WorkspaceID
	pg, err := svc.Workflows(r.Context(), ws, workflow.WorkflowFilter{}, workflow.ListParams{First: 50, After: r.URL.Query().Get("after")})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(pg.Items))
	for i, wf := range pg.Items {
		ids[i] = wf.ID
	}
	sums, err := svc.Summaries(r.Context(), ws, ids)
	if err != nil {
		return nil, err
	}
	d := &workflowsData{Templates: workflow.Templates(), Admin: canChangeWorkflows(r), Errors: map[string]string{}}
	for _, wf := range pg.Items {
		d.Rows = append(d.Rows, workflowRow{Workflow: wf, Summary: sums[wf.ID]})
	}
	if pg.HasNextPage {
		d.More = pg.Cursors[len(pg.Cursors)-1]
	}
	return d, nil
}

// workflowReq is what a workflow page's request names: the engine, the
// workspace, the workflow ({id}) and, on version pages, the version
// ({vid}), checked to belong to that workflow.
type workflowReq struct {
	svc *workflow.Service
	ws  string
	wf  *workflow.Workflow
	v   *workflow.Version
}

// workflowRequest loads what the request names; a workflow or version of
// another workspace, or a version of another workflow, is not found.
func (u *UI) workflowRequest(r *http.Request, withVersion bool) (*workflowReq, error) {
	svc, err := u.workflowsService()
	if err != nil {
		return nil, err
	}
	q := &workflowReq{svc: svc, ws: auth.PrincipalFrom(r.Context()).WorkspaceID}
	if q.wf, err = svc.Workflow(r.Context(), q.ws, r.PathValue("id")); err != nil {
		return nil, err
	}
	if !withVersion {
		return q, nil
	}
	if q.v, err = svc.Version(r.Context(), q.ws, r.PathValue("vid")); err != nil {
		return nil, err
	}
	if q.v.WorkflowID != q.wf.ID {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "no such version of this workflow"}
	}
	return q, nil
}
