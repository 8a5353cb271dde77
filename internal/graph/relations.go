package graph

import (
	"context"

	"github.com/roster-crm/roster/internal/crm"
)

// refArgs lists the records whose reference field points at id, for the
// one-to-many relation connections (company.people, person.opportunities).
func refArgs(field, id string, first *int) listArgs {
	return listArgs{filter: map[string]any{field: map[string]any{"eq": id}}, first: first}
}

func (r *Resolver) timeline(ctx context.Context, o *crm.Object, id string, first *int, before *string) ([]*crm.TimelineActivity, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	limit, cursor := 0, ""
	if first != nil {
		if limit, err = crm.PageSize("first", *first); err != nil {
			return nil, err
		}
	}
	if before != nil {
		cursor = *before
	}
	return r.records.Timeline(ctx, p.WorkspaceID, o, id, cursor, limit)
}

// targetsFor lists the note or task links pointing at a record.
func (r *Resolver) targetsFor(ctx context.Context, parent, object crm.ObjectName, id string) ([]*crm.TargetLink, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	return r.records.TargetsFor(ctx, p.WorkspaceID, parent, object, id)
}

// targetsOf lists the links of one note or task.
func (r *Resolver) targetsOf(ctx context.Context, parent crm.ObjectName, id string) ([]*crm.TargetLink, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	return r.records.TargetsOf(ctx, p.WorkspaceID, parent, []string{id})
}
