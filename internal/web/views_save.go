package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/views"
)

// viewSave saves the table's current filters, sort and columns under a
// name for the signed-in user (POST /people/views ...). The posted query is
// read back through the table's own parser, so what is stored is always a
// state the page understands, without cursors.
func (u *UI) viewSave(spec *tableSpec) handlerFunc {
	return u.requireUser(func(w http.ResponseWriter, r *http.Request) error {
		p := auth.PrincipalFrom(r.Context())
		if p.UserID == nil {
			return &crm.Error{Cause: crm.ErrForbidden, Code: crm.CodeForbidden, Message: "only people can save views"}
		}
		raw, err := url.ParseQuery(r.PostFormValue("query"))
		if err != nil {
			raw = url.Values{}
		}
		query := parseTableState(spec, raw).values().Encode()
		name := r.PostFormValue("name")
		_, err = u.cfg.Views.Save(r.Context(), views.SaveParams{
			WorkspaceID: p.WorkspaceID, UserID: *p.UserID, Object: spec.obj.Name, Name: name, Query: query})
		if err != nil {
			e, ok := crm.AsError(err)
			if !ok || !errors.Is(err, crm.ErrInvalid) {
				return err
			}
			// Re-render the table the person was looking at, with the message.
			rr := r.Clone(r.Context())
			rr.URL.RawQuery = query
			v, _, derr := u.tableData(rr, spec)
			if derr != nil {
				return derr
			}
			v.SaveError, v.SaveName = e.Message, name
			w.WriteHeader(http.StatusBadRequest)
			return u.render(w, r, "table_list", spec.title, v)
		}
		to := spec.path
		if query != "" {
			to += "?" + query
		}
		return u.redirect(w, r, to, "View saved.")
	})
}
