package web

import (
	"net/http"
	"net/url"

	"github.com/roster-crm/roster/internal/auth"
)

// contractRemind emails the signers whose turn it is their link again.
func (u *UI) contractRemind(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	id := r.PathValue("id")
	if _, err := u.cfg.Contracts.Remind(r.Context(), p.WorkspaceID, id, p.Actor()); err != nil {
		if isInvalid(err) {
			return u.redirect(w, r, "/contracts/"+url.PathEscape(id)+"?error="+url.QueryEscape(errorMessage(err)), "")
		}
		return err
	}
	return u.redirect(w, r, "/contracts/"+url.PathEscape(id), "Reminder sent.")
}
