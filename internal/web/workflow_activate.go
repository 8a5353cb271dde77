package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
)

// workflowActivate activates a version that is not a draft being edited (a
// deactivated one); the builder's own button saves the draft first. A
// version the engine refuses opens in the builder with the reason next to
// its field.
func (u *UI) workflowActivate(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.workflowsService()
	if err != nil {
		return err
	}
	d, err := u.builderPage(r, nil)
	if err != nil {
		return err
	}
	if _, err := svc.ActivateVersion(r.Context(), auth.PrincipalFrom(r.Context()).WorkspaceID, d.Version.ID); err != nil {
		if !d.showEngineError(err) {
			return err
		}
		w.WriteHeader(http.StatusUnprocessableEntity)
		return u.renderBuilder(w, r, d)
	}
	return u.redirect(w, r, "/workflows/"+d.Workflow.ID+"/versions/"+d.Version.ID, "Activated: “"+d.Workflow.Name+"” now runs on its trigger.")
}

// workflowDeactivate stops the active version from firing; running runs
// finish.
func (u *UI) workflowDeactivate(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.workflowsService()
	if err != nil {
		return err
	}
	d, err := u.builderPage(r, nil)
	if err != nil {
		return err
	}
	if _, err := svc.DeactivateVersion(r.Context(), auth.PrincipalFrom(r.Context()).WorkspaceID, d.Version.ID); err != nil {
		return err
	}
	return u.redirect(w, r, "/workflows/"+d.Workflow.ID+"/versions/"+d.Version.ID, "Deactivated: “"+d.Workflow.Name+"” no longer runs on its trigger.")
}

// workflowDraftFrom copies a version into the workflow's draft
// (createDraftFromWorkflowVersion: the draft's content is replaced, or a
// new draft is made) and opens it.
func (u *UI) workflowDraftFrom(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.workflowsService()
	if err != nil {
		return err
	}
	d, err := u.builderPage(r, nil)
	if err != nil {
		return err
	}
	v, err := svc.CreateDraftFromVersion(r.Context(), auth.PrincipalFrom(r.Context()).WorkspaceID, d.Workflow.ID, d.Version.ID)
	if err != nil {
		return err
	}
	return u.redirect(w, r, "/workflows/"+d.Workflow.ID+"/versions/"+v.ID, "Draft "+v.Name+" made from "+d.Version.Name+": edit it, then activate it.")
}
