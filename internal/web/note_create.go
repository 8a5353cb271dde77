package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// noteCreate adds a note to a record: the note is created, then linked;
// if the link fails the new note is destroyed so no orphan is left.
func (u *UI) noteCreate(k recordKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.PrincipalFrom(ctx)
		id := r.PathValue("id")
		f := recordNoteForm{Title: strings.TrimSpace(r.PostFormValue("title")), Body: strings.TrimSpace(r.PostFormValue("body"))}
		if _, err := u.cfg.Records.Get(ctx, p.WorkspaceID, k.o, id); err != nil {
			return err
		}
		if f.Title == "" && f.Body == "" {
			f.Error, f.ErrorField = "Write a title or some text for the note.", "title"
			return u.recordFormError(w, r, k, id, func(v *recordView) { v.NoteForm = f })
		}
		in := crm.Input{"title": f.Title, "bodyV2": map[string]any{"markdown": f.Body}}
		if _, err := u.createLinked(ctx, p, crm.NoteObject, in, k, id); err != nil {
			e, ok := crm.AsError(err)
			if !ok || !isFormError(e) {
				return err
			}
			f.Error, f.ErrorField = e.Message, "title"
			if strings.HasPrefix(e.Field, "bodyV2") {
				f.ErrorField = "body"
			}
			return u.recordFormError(w, r, k, id, func(v *recordView) { v.NoteForm = f })
		}
		return u.redirect(w, r, k.href(id)+"#notes", "Note added.")
	}
}

// createLinked creates a note or task and links it to the record.
func (u *UI) createLinked(ctx context.Context, p *auth.Principal, parent *crm.Object, in crm.Input, k recordKind, id string) (crm.Record, error) {
	recs, err := u.cfg.Records.Create(ctx, records.CreateParams{WorkspaceID: p.WorkspaceID, Object: parent, Actor: p.Actor(), Inputs: []crm.Input{in}})
	if err != nil {
		return nil, err
	}
	rec := recs[0]
	tp := records.TargetParams{WorkspaceID: p.WorkspaceID, Actor: p.Actor(), Parent: parent.Name, ParentID: rec.Meta().ID}
	switch k.o.Name {
	case crm.ObjectPerson:
		tp.PersonID = &id
	case crm.ObjectCompany:
		tp.CompanyID = &id
	default:
		tp.OpportunityID = &id
	}
	if _, err := u.cfg.Records.CreateTarget(ctx, tp); err != nil {
		_, _ = u.cfg.Records.Destroy(ctx, records.Ref{WorkspaceID: p.WorkspaceID, Object: parent, Actor: p.Actor(), ID: rec.Meta().ID})
		return nil, err
	}
	return rec, nil
}

// isFormError reports whether a client error is one the form can show
// (bad input or a duplicate) rather than a missing record.
func isFormError(e *crm.Error) bool {
	return e.Cause == crm.ErrInvalid || e.Cause == crm.ErrConflict
}

// recordFormError re-renders the record page with status 400 after a form
// on it failed; set puts the error and what was typed into the view.
func (u *UI) recordFormError(w http.ResponseWriter, r *http.Request, k recordKind, id string, set func(*recordView)) error {
	v, _, err := u.loadRecord(r.Context(), auth.PrincipalFrom(r.Context()), k, id, "")
	if err != nil {
		return err
	}
	set(v)
	return u.renderRecordStatus(w, r, http.StatusBadRequest, "record_show", v.Name, v)
}
