package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
)

type inviteData struct {
	Token     string
	Invite    *auth.Invite
	Workspace *auth.Workspace
	Name      string
	Errors    map[string]string
}

// invitePage is where an invite link lands: the invitee chooses a name and
// password (or gives their existing account's password). Unknown, used and
// expired links get one 404 page.
func (u *UI) invitePage(w http.ResponseWriter, r *http.Request) error {
	d, err := u.inviteData(r)
	if err != nil {
		return err
	}
	return u.render(w, r, "invite", "Join "+d.Workspace.Name, d)
}

func (u *UI) inviteData(r *http.Request) (*inviteData, error) {
	token := r.PathValue("token")
	in, err := u.cfg.Auth.InviteByToken(r.Context(), token)
	if err != nil {
		return nil, err
	}
	ws, err := u.cfg.Auth.Workspace(r.Context(), in.WorkspaceID)
	if err != nil {
		return nil, err
	}
	return &inviteData{Token: token, Invite: in, Workspace: ws, Errors: map[string]string{}}, nil
}

// inviteAccept creates the membership and signs the invitee in with a new
// session.
func (u *UI) inviteAccept(w http.ResponseWriter, r *http.Request) error {
	d, err := u.inviteData(r)
	if err != nil {
		return err
	}
	d.Name = r.PostFormValue("name")
	sess, err := u.cfg.Auth.AcceptInvite(r.Context(), auth.AcceptInviteParams{Token: d.Token, Name: d.Name, Password: r.PostFormValue("password")})
	if err != nil {
		errs, ok := settingsFormErrors(err, map[string]string{"name": "name", "password": "password"}, "password")
		if !ok {
			return err
		}
		d.Errors = errs
		w.WriteHeader(http.StatusBadRequest)
		return u.render(w, r, "invite", "Join "+d.Workspace.Name, d)
	}
	u.setSession(w, sess)
	return u.redirect(w, r, "/", "Welcome to "+d.Workspace.Name+".")
}
