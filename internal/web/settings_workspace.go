package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
)

type settingsWorkspaceData struct {
	Workspace *auth.Workspace
	IsAdmin   bool
	Name      string
	Errors    map[string]string
}

// settingsWorkspace shows the workspace tab: its name (admins can rename).
func (u *UI) settingsWorkspace(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	ws, err := u.cfg.Auth.Workspace(r.Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	return u.render(w, r, "settings_workspace", "Settings", settingsWorkspaceData{Workspace: ws, IsAdmin: settingsIsAdmin(r), Name: ws.Name})
}

// settingsWorkspaceRename renames the workspace (admins).
func (u *UI) settingsWorkspaceRename(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	name := r.PostFormValue("name")
	if _, err := u.cfg.Auth.RenameWorkspace(r.Context(), p.WorkspaceID, name, p.AuditActor()); err != nil {
		errs, ok := settingsFormErrors(err, map[string]string{"name": "name"}, "name")
		if !ok {
			return err
		}
		ws, gerr := u.cfg.Auth.Workspace(r.Context(), p.WorkspaceID)
		if gerr != nil {
			return gerr
		}
		w.WriteHeader(http.StatusBadRequest)
		return u.render(w, r, "settings_workspace", "Settings", settingsWorkspaceData{Workspace: ws, IsAdmin: true, Name: name, Errors: errs})
	}
	return u.redirect(w, r, "/settings", "Workspace renamed.")
}
