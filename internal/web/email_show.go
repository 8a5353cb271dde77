package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
)

// emailShow is one outbox message (admins). A message the log driver kept
// with an invite or reset link shows the link, so an admin can pass it on.
func (u *UI) emailShow(w http.ResponseWriter, r *http.Request) error {
	e, err := u.cfg.Mail.Get(r.Context(), auth.PrincipalFrom(r.Context()).WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.render(w, r, "email_show", e.Subject+" · Email · Settings", e)
}
