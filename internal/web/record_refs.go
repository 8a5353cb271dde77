package web

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/roster-crm/roster/internal/crm"
)

// recordRefs names the records a record's reference fields point at, so
// the page shows "Acme" linking to the company rather than an ID.
func (u *UI) recordRefs(ctx context.Context, ws string, rec crm.Record) (map[string]recordRef, error) {
	out := map[string]recordRef{}
	for _, f := range kindOf(recordObject(rec)).o.Fields {
		if f.Kind != crm.KindUUID {
			continue
		}
		id, ok := f.Value(rec).(string)
		if !ok {
			continue
		}
		target, _ := crm.ObjectByName(string(f.Ref))
		got, err := u.cfg.Records.GetMany(ctx, ws, target, []string{id})
		if err != nil {
			return nil, err
		}
		if t, ok := got[id]; ok {
			out[f.Name] = recordRef{Name: recordName(t), Href: kindOf(target).href(id)}
		} else {
			out[f.Name] = recordRef{Name: id}
		}
	}
	return out, nil
}

// recordObject returns the standard object of a record.
func recordObject(r crm.Record) *crm.Object {
	switch r.(type) {
	case *crm.Person:
		return crm.PersonObject
	case *crm.Company:
		return crm.CompanyObject
	case *crm.Opportunity:
		return crm.OpportunityObject
	case *crm.Note:
		return crm.NoteObject
	}
	return crm.TaskObject
}

// resolveRefs turns what people type in a reference field (a name, an
// email or an ID) into the referenced record's ID. Keeping the current
// name keeps the current reference, even when the name is shared.
func (u *UI) resolveRefs(ctx context.Context, ws string, o *crm.Object, in crm.Input, current map[string]recordRef, cur crm.Record) error {
	for _, f := range o.Fields {
		if f.Kind != crm.KindUUID {
			continue
		}
		s, ok := in[f.Name].(string)
		if !ok {
			continue
		}
		if ref, ok := current[f.Name]; ok && ref.Name == s {
			in[f.Name] = f.Value(cur)
			continue
		}
		if _, err := uuid.Parse(s); err == nil {
			continue
		}
		target, _ := crm.ObjectByName(string(f.Ref))
		id, err := u.findRecordByName(ctx, ws, target, s)
		if e, ok := crm.AsError(err); ok && e.Field == "" {
			e.Field = f.Name
		}
		if err != nil {
			return err
		}
		if id == "" {
			return crm.Invalid(f.Name, crm.CodeInvalidValue, "No %s is called %q.", target.Label, s)
		}
		in[f.Name] = id
	}
	return nil
}

// findRecordByName finds the one live record called s: a company by name, a
// person by email or by "first last". Two matches are an error: the person
// must pick by ID.
func (u *UI) findRecordByName(ctx context.Context, ws string, o *crm.Object, s string) (string, error) {
	schema, err := u.cfg.Records.Schema(ctx, ws, o)
	if err != nil {
		return "", err
	}
	var filters []*crm.Filter
	cond := func(path string, v string) crm.Cond {
		c, _ := schema.Condition(path, "eq", v, true)
		return c
	}
	switch o.Name {
	case crm.ObjectPerson:
		filters = append(filters, &crm.Filter{Conds: []crm.Cond{cond("emails.primaryEmail", strings.ToLower(s))}})
		first, last, _ := strings.Cut(s, " ")
		filters = append(filters, &crm.Filter{Conds: []crm.Cond{cond("name.firstName", first), cond("name.lastName", strings.TrimSpace(last))}})
	default:
		filters = append(filters, &crm.Filter{Conds: []crm.Cond{cond("name", s)}})
	}
	for _, f := range filters {
		page, err := u.cfg.Records.List(ctx, ws, schema, crm.ListParams{Filter: f, First: 2})
		if err != nil {
			return "", err
		}
		switch len(page.Records) {
		case 0:
			continue
		case 1:
			return page.Records[0].Meta().ID, nil
		default:
			return "", crm.Invalid("", crm.CodeInvalidValue, "More than one %s is called %q; paste its ID instead.", strings.ToLower(o.Label), s)
		}
	}
	return "", nil
}
