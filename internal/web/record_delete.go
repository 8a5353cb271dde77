package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/records"
)

// recordDeleteView is the confirmation step before a soft delete.
type recordDeleteView struct {
	Label, Name, Href, Base string
}

// recordDeleteConfirm asks before deleting: a plain page, so it works
// without JavaScript.
func (u *UI) recordDeleteConfirm(k recordKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := auth.PrincipalFrom(r.Context())
		rec, err := u.cfg.Records.Get(r.Context(), p.WorkspaceID, k.o, r.PathValue("id"))
		if err != nil {
			return err
		}
		if rec.Meta().DeletedAt != nil {
			return u.redirect(w, r, k.href(rec.Meta().ID), "")
		}
		v := recordDeleteView{Label: k.o.Label, Name: recordName(rec), Href: k.href(rec.Meta().ID), Base: k.base}
		return u.render(w, r, "record_delete", "Delete "+v.Name, v)
	}
}

// recordDelete soft-deletes the record; its page stays reachable with a
// Restore button.
func (u *UI) recordDelete(k recordKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := auth.PrincipalFrom(r.Context())
		rec, err := u.cfg.Records.Delete(r.Context(), records.Ref{WorkspaceID: p.WorkspaceID, Object: k.o, Actor: p.Actor(), ID: r.PathValue("id")})
		if err != nil {
			return err
		}
		return u.redirect(w, r, k.href(rec.Meta().ID), "Deleted "+flashText(recordName(rec))+". You can restore it from this page.")
	}
}

// recordRestore brings a soft-deleted record back.
func (u *UI) recordRestore(k recordKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := auth.PrincipalFrom(r.Context())
		rec, err := u.cfg.Records.Restore(r.Context(), records.Ref{WorkspaceID: p.WorkspaceID, Object: k.o, Actor: p.Actor(), ID: r.PathValue("id")})
		if err != nil {
			return err
		}
		return u.redirect(w, r, k.href(rec.Meta().ID), "Restored "+flashText(recordName(rec))+".")
	}
}
