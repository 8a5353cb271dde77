package web

import (
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// recordUpdate saves the rows named by the form's "fields" values through
// records.Update. A validation error re-renders the page with the row still
// in edit mode, what was typed, and the message next to its input (400).
func (u *UI) recordUpdate(k recordKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.PrincipalFrom(ctx)
		id := r.PathValue("id")
		v, rec, err := u.loadRecord(ctx, p, k, id, "")
		if err != nil {
			return err
		}
		if rec.Meta().DeletedAt != nil {
			return crm.Invalid("id", crm.CodeInvalidValue, "This %s is deleted; restore it before editing.", k.noun)
		}
		keys := map[string]bool{}
		for _, key := range r.PostForm["fields"] {
			keys[key] = true
		}
		in := crm.Input{}
		var edited []*recordRow
		var parseErr error
		for _, row := range v.Rows {
			if !keys[row.Key] || !row.Editable {
				continue
			}
			row.Editing = true
			edited = append(edited, row)
			for _, fi := range row.Inputs {
				vals := r.PostForm[fi.Name]
				keepTypedValues(fi, vals)
				if err := fi.set(in, vals); err != nil && parseErr == nil {
					parseErr = err
				}
			}
		}
		if len(edited) == 0 {
			return crm.Invalid("fields", crm.CodeRequired, "Nothing to save: the form named no editable field.")
		}
		if parseErr == nil {
			parseErr = u.resolveRefs(ctx, p.WorkspaceID, k.o, in, recordRefsOf(v.Rows), rec)
		}
		if parseErr == nil {
			_, parseErr = u.cfg.Records.Update(ctx, records.UpdateParams{WorkspaceID: p.WorkspaceID, Object: k.o, Actor: p.Actor(), ID: id, Input: in})
		}
		if parseErr != nil {
			e, ok := crm.AsError(parseErr)
			if !ok || !isFormError(e) {
				return parseErr
			}
			if !attachFieldError(edited, e) {
				v.FormError = e.Error()
			}
			return u.renderRecordStatus(w, r, http.StatusBadRequest, "record_show", v.Name, v)
		}
		labels := make([]string, len(edited))
		for i, row := range edited {
			labels[i] = row.Label
		}
		return u.redirect(w, r, k.href(id)+"#row-"+edited[0].Key, "Saved "+flashText(listWords(labels))+".")
	}
}

// keepTypedValues puts the submitted values back into the input, so a form
// shown again with an error keeps what the person typed.
func keepTypedValues(fi *recordInput, vals []string) {
	switch {
	case fi.Type == "checkbox":
		fi.Checked = firstValue(vals) != ""
	case fi.Type == "select":
		chosen := map[string]bool{}
		for _, s := range vals {
			chosen[s] = true
		}
		for i := range fi.Options {
			fi.Options[i].Selected = chosen[fi.Options[i].Value]
		}
	default:
		fi.Value = firstValue(vals)
	}
}

// attachFieldError puts a service error next to the input it is about: the
// input with the same API path, else the first input of the row the path
// belongs to.
func attachFieldError(rows []*recordRow, e *crm.Error) bool {
	for _, row := range rows {
		for _, fi := range row.Inputs {
			if fi.path == e.Field {
				fi.Error = e.Message
				return true
			}
		}
	}
	group, _, _ := strings.Cut(e.Field, ".")
	for _, row := range rows {
		if row.Key == group || row.Key == e.Field {
			row.Inputs[0].Error = e.Message
			return true
		}
	}
	return false
}

// recordRefsOf returns the names the page shows for reference fields, so an
// unchanged name keeps the current reference.
func recordRefsOf(rows []*recordRow) map[string]recordRef {
	out := map[string]recordRef{}
	for _, row := range rows {
		if row.Href != "" && !row.External && len(row.Inputs) == 1 {
			out[row.Key] = recordRef{Name: row.Text, Href: row.Href}
		}
	}
	return out
}
