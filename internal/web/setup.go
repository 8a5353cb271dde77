package web

import (
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
)

type setupForm struct {
	Name, AdminName, Email string
	Errors                 map[string]string
}

// setupPage is first run: create the first workspace and its admin. Once a
// workspace exists it is closed (new workspaces come from the CLI).
func (u *UI) setupPage(w http.ResponseWriter, r *http.Request) error {
	if done, err := u.cfg.Auth.SetUp(r.Context()); err != nil {
		return err
	} else if done {
		return u.redirect(w, r, "/login", "")
	}
	return u.render(w, r, "setup", "Set up Roster", setupForm{})
}

func (u *UI) setupSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if done, err := u.cfg.Auth.SetUp(ctx); err != nil {
		return err
	} else if done {
		return u.redirect(w, r, "/login", "")
	}
	f := setupForm{Name: strings.TrimSpace(r.PostFormValue("name")), AdminName: strings.TrimSpace(r.PostFormValue("admin_name")),
		Email: strings.TrimSpace(r.PostFormValue("email"))}
	password := r.PostFormValue("password")
	_, _, err := u.cfg.Auth.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: f.Name, AdminEmail: f.Email, AdminPassword: password, AdminName: f.AdminName})
	if err != nil {
		e, ok := crm.AsError(err)
		if !ok {
			return err
		}
		field := map[string]string{"name": "name", "adminEmail": "email", "adminPassword": "password", "adminName": "admin_name"}[e.Field]
		f.Errors = map[string]string{field: e.Message}
		w.WriteHeader(http.StatusBadRequest)
		return u.render(w, r, "setup", "Set up Roster", f)
	}
	sess, err := u.cfg.Auth.Login(ctx, f.Email, password, "")
	if err != nil {
		return err
	}
	u.setSession(w, sess)
	return u.redirect(w, r, "/", "Your workspace is ready.")
}
