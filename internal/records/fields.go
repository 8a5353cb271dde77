package records

import (
	"context"
	"database/sql"

	"github.com/roster-crm/roster/internal/crm"
)

// Fields lists the workspace's custom field definitions (all objects when
// object is empty).
func (s *Service) Fields(ctx context.Context, workspaceID string, object crm.ObjectName) ([]*crm.FieldDefinition, error) {
	return s.store.FieldDefinitionList(ctx, nil, workspaceID, object)
}

// CreateField adds a custom field to a standard object. Callers enforce that
// only admins may do this.
func (s *Service) CreateField(ctx context.Context, workspaceID string, d crm.FieldDefinition) (*crm.FieldDefinition, error) {
	o, ok := crm.ObjectByName(string(d.Object))
	if !ok {
		return nil, crm.Invalid("object", crm.CodeInvalidEnum, "unknown object %q (person, company or opportunity)", d.Object)
	}
	d.Object = o.Name
	if err := crm.ValidateDefinition(o, &d); err != nil {
		return nil, err
	}
	now := s.now()
	d.ID, d.WorkspaceID, d.CreatedAt, d.UpdatedAt = crm.NewID(), workspaceID, now, now
	err := s.store.InTx(ctx, func(tx *sql.Tx) error { return s.store.FieldDefinitionCreate(ctx, tx, &d) })
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// FieldUpdate changes a definition's presentation. The name and type are
// fixed once values exist; options may be added (removing an option that
// records still use would leave them invalid, so it is refused).
type FieldUpdate struct {
	Label       *string
	Description *string
	Options     []crm.FieldOption // nil leaves options unchanged
}

// UpdateField applies u to the definition id.
func (s *Service) UpdateField(ctx context.Context, workspaceID, id string, u FieldUpdate) (*crm.FieldDefinition, error) {
	var out *crm.FieldDefinition
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		d, err := s.store.FieldDefinitionGet(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		if u.Label != nil {
			d.Label = *u.Label
		}
		if u.Description != nil {
			d.Description = *u.Description
		}
		if u.Options != nil {
			kept := map[string]bool{}
			for _, o := range u.Options {
				kept[o.Value] = true
			}
			for _, o := range d.Options {
				if !kept[o.Value] {
					return crm.Invalid("options", crm.CodeInvalidValue, "option %q cannot be removed", o.Value)
				}
			}
			d.Options = u.Options
		}
		o, _ := crm.ObjectByName(string(d.Object))
		probe := *d
		probe.Name = d.Name
		if err := crm.ValidateDefinition(o, &probe); err != nil {
			return err
		}
		d.Options, d.Label = probe.Options, probe.Label
		d.UpdatedAt = s.now()
		out = d
		return s.store.FieldDefinitionUpdate(ctx, tx, d)
	})
	return out, err
}

// DeleteField removes a custom field and its values from every record.
func (s *Service) DeleteField(ctx context.Context, workspaceID, id string) (*crm.FieldDefinition, error) {
	var out *crm.FieldDefinition
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.store.FieldDefinitionDelete(ctx, tx, workspaceID, id)
		return err
	})
	return out, err
}
