package web

import (
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/workflow"
)

// workflowCreate adds a workflow with its first, empty draft and opens the
// builder on it.
func (u *UI) workflowCreate(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.workflowsService()
	if err != nil {
		return err
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	wf, err := svc.CreateWorkflow(r.Context(), auth.PrincipalFrom(r.Context()).WorkspaceID, workflow.CreateWorkflowInput{Name: name})
	if err != nil {
		errs, ok := settingsFormErrors(err, map[string]string{"name": "name", "description": "name"}, "name")
		if !ok {
			return err
		}
		d, derr := u.workflowsData(r)
		if derr != nil {
			return derr
		}
		d.Name, d.Errors = name, errs
		w.WriteHeader(http.StatusBadRequest)
		return u.render(w, r, "workflows", "Automations", d)
	}
	return u.redirect(w, r, "/workflows/"+wf.ID, "Workflow “"+wf.Name+"” created. Choose its trigger, then add steps.")
}

// workflowFromTemplate creates a workflow from a template, its draft
// prefilled, and opens the builder to review it before activating.
func (u *UI) workflowFromTemplate(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.workflowsService()
	if err != nil {
		return err
	}
	wf, v, err := svc.CreateFromTemplate(r.Context(), auth.PrincipalFrom(r.Context()).WorkspaceID, r.PostFormValue("template"))
	if err != nil {
		return err
	}
	return u.redirect(w, r, "/workflows/"+wf.ID+"/versions/"+v.ID, "Workflow “"+wf.Name+"” created from its template. Review the steps, then activate it.")
}
