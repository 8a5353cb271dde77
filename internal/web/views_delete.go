package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
)

// viewDelete deletes one of the signed-in user's saved views (POST
// /people/views/{id}/delete ...). Another person's view is "not found".
func (u *UI) viewDelete(spec *tableSpec) handlerFunc {
	return u.requireUser(func(w http.ResponseWriter, r *http.Request) error {
		p := auth.PrincipalFrom(r.Context())
		if p.UserID == nil {
			return &crm.Error{Cause: crm.ErrForbidden, Code: crm.CodeForbidden, Message: "only people can delete views"}
		}
		sv, err := u.cfg.Views.Delete(r.Context(), p.WorkspaceID, *p.UserID, r.PathValue("id"))
		if err != nil {
			return err
		}
		if sv.Object != spec.obj.Name {
			// Deleted through another table's URL: still the user's own view.
			spec = tableForObject(sv.Object, spec)
		}
		return u.redirect(w, r, spec.path, "View deleted.")
	})
}
