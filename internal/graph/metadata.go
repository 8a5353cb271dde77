package graph

import (
	"context"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/graph/model"
)

// admin returns the caller when it may change custom field definitions.
func admin(ctx context.Context) (*auth.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if err := auth.RequireAdmin(p); err != nil {
		return nil, err
	}
	return p, nil
}

// fieldOptions converts option inputs; nil stays nil (options unchanged).
func fieldOptions(in []*model.FieldOptionInput) []crm.FieldOption {
	if in == nil {
		return nil
	}
	out := make([]crm.FieldOption, len(in))
	for i, o := range in {
		out[i] = crm.FieldOption{Value: o.Value}
		if o.Label != nil {
			out[i].Label = *o.Label
		}
		if o.Color != nil {
			out[i].Color = *o.Color
		}
	}
	return out
}

// objectNamed finds a standard object by its singular or plural API name.
func objectNamed(arg, name string) (*crm.Object, error) {
	o, ok := crm.ObjectByName(name)
	if !ok {
		return nil, crm.Invalid(arg, crm.CodeInvalidEnum, "unknown object %q (person, company, opportunity, note or task)", name)
	}
	return o, nil
}
