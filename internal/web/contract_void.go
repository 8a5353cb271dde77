package web

import (
	"net/http"
	"net/url"

	"github.com/roster-crm/roster/internal/auth"
)

// contractVoid cancels a contract out for signature, with a reason.
func (u *UI) contractVoid(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	id := r.PathValue("id")
	if _, err := u.cfg.Contracts.Void(r.Context(), p.WorkspaceID, id, r.PostFormValue("reason"), p.Actor()); err != nil {
		if isInvalid(err) {
			return u.redirect(w, r, "/contracts/"+url.PathEscape(id)+"?error="+url.QueryEscape(errorMessage(err))+"#void-title", "")
		}
		return err
	}
	return u.redirect(w, r, "/contracts/"+url.PathEscape(id), "Contract voided. Its links no longer work.")
}
