package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// recordNewView is the new-record form: the editable rows of an empty
// record, all open for input.
type recordNewView struct {
	Label     string
	Base      string
	Rows      []*recordRow
	FormError string
}

// newRows builds the form rows of an empty record of k.
func (u *UI) newRows(r *http.Request, k recordKind) ([]*recordRow, error) {
	p := auth.PrincipalFrom(r.Context())
	schema, err := u.cfg.Records.Schema(r.Context(), p.WorkspaceID, k.o)
	if err != nil {
		return nil, err
	}
	var rows []*recordRow
	for _, row := range (&recordRowBuilder{schema: schema, rec: k.o.New(), refs: map[string]recordRef{}}).rows() {
		if row.Editable && !row.Synced {
			row.Editing = true
			rows = append(rows, row)
		}
	}
	if len(rows) > 0 && len(rows[0].Inputs) > 0 {
		rows[0].Inputs[0].Autofocus = true
	}
	return rows, nil
}

// recordNew shows the form for a new person, company or opportunity.
func (u *UI) recordNew(k recordKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		rows, err := u.newRows(r, k)
		if err != nil {
			return err
		}
		return u.render(w, r, "record_new", "New "+k.noun, recordNewView{Label: k.noun, Base: k.base, Rows: rows})
	}
}

// recordCreate creates the record from the form; empty inputs are left out,
// so the record gets the same defaults as through the APIs.
func (u *UI) recordCreate(k recordKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.PrincipalFrom(ctx)
		rows, err := u.newRows(r, k)
		if err != nil {
			return err
		}
		in := crm.Input{}
		var parseErr error
		for _, row := range rows {
			for _, fi := range row.Inputs {
				vals := r.PostForm[fi.Name]
				keepTypedValues(fi, vals)
				if firstValue(vals) == "" && fi.Type != "checkbox" {
					continue
				}
				if err := fi.set(in, vals); err != nil && parseErr == nil {
					parseErr = err
				}
			}
		}
		if parseErr == nil {
			parseErr = u.resolveRefs(ctx, p.WorkspaceID, k.o, in, map[string]recordRef{}, k.o.New())
		}
		var created []crm.Record
		if parseErr == nil {
			created, parseErr = u.cfg.Records.Create(ctx, records.CreateParams{WorkspaceID: p.WorkspaceID, Object: k.o, Actor: p.Actor(), Inputs: []crm.Input{in}})
		}
		if parseErr != nil {
			e, ok := crm.AsError(parseErr)
			if !ok || !isFormError(e) {
				return parseErr
			}
			v := recordNewView{Label: k.noun, Base: k.base, Rows: rows}
			if !attachFieldError(rows, e) {
				v.FormError = e.Error()
			}
			w.WriteHeader(http.StatusBadRequest)
			return u.render(w, r, "record_new", "New "+k.noun, v)
		}
		return u.redirect(w, r, k.href(created[0].Meta().ID), "Created "+flashText(recordName(created[0]))+".")
	}
}
