package workflow

import (
	"context"
	"fmt"

	"github.com/roster-crm/roster/internal/crm"
)

// Helpers shared by the record actions (CREATE_RECORD, UPDATE_RECORD,
// DELETE_RECORD, UPSERT_RECORD, FIND_RECORDS). They all go through the
// records service, so validation, the timeline (actor source WORKFLOW) and
// domain events are the same as for any other writer.

// checkObject reads the literal objectName of a step and its schema.
func checkObject(ctx context.Context, c *Check) (*crm.Schema, error) {
	name, err := c.Text("objectName", true)
	if err != nil {
		return nil, err
	}
	return c.ObjectSchema(ctx, "objectName", name)
}

// checkRecordInput checks the literal keys of a record input (objectRecord)
// against the object's fields; values may hold variables and are checked
// by the records service when the step runs.
func checkRecordInput(c *Check, schema *crm.Schema, field string, required bool) error {
	v, ok := c.Input(field)
	if !ok {
		if required {
			return c.Errorf(field, crm.CodeRequired, "is required")
		}
		return nil
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		return c.Errorf(field, crm.CodeInvalidType, "expected an object of field values")
	}
	for k, val := range m {
		if err := checkRecordKey(schema, k, val); err != nil {
			return c.Errorf(field+"."+k, crm.CodeUnknownField, "%v", err)
		}
	}
	return nil
}

func checkRecordKey(schema *crm.Schema, k string, val any) error {
	switch {
	case k == "customFields":
		m, _ := val.(map[string]any)
		for name := range m {
			if _, ok := schema.Custom[name]; !ok {
				return fmt.Errorf("%s has no custom field %q", schema.Object.Name, name)
			}
		}
		return nil
	case len(schema.Object.Composite(k)) > 0:
		if m, ok := val.(map[string]any); ok {
			for sub := range m {
				if _, ok := schema.Object.Field(k + "." + sub); !ok {
					return fmt.Errorf("%s has no sub-field %q", k, sub)
				}
			}
		}
		return nil
	}
	if f, ok := schema.Object.Field(k); ok && f.Group() == "" && !f.Hidden {
		if f.ReadOnly && k != "id" {
			return fmt.Errorf("%s is read-only", k)
		}
		return nil
	}
	if _, ok := schema.Custom[k]; ok {
		return nil
	}
	return fmt.Errorf("%s has no field %q", schema.Object.Name, k)
}

// recordObject resolves the rendered objectName at run time.
func recordObject(x *Exec) (*crm.Object, error) {
	name, _ := x.Input["objectName"].(string)
	o, ok := crm.ObjectByName(name)
	if !ok {
		return nil, Permanent(fmt.Errorf("objectName: unknown object %q", name))
	}
	return o, nil
}

// recordInput returns a rendered record input as a map.
func recordInput(x *Exec, field string) (crm.Input, error) {
	v := x.Input[field]
	if v == nil {
		return crm.Input{}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, Permanent(fmt.Errorf("%s: expected an object of field values", field))
	}
	return m, nil
}

// recordID returns a rendered record ID.
func recordID(x *Exec, field string) (string, error) {
	id, ok := x.Input[field].(string)
	if !ok || id == "" {
		return "", Permanent(fmt.Errorf("%s: expected a record ID, got %s", field, Text(x.Input[field])))
	}
	return id, nil
}

// recordOutput is the output of a step that wrote one record.
func (s *Service) recordOutput(ctx context.Context, ws string, o *crm.Object, r crm.Record) (any, error) {
	schema, err := s.records.Schema(ctx, ws, o)
	if err != nil {
		return nil, err
	}
	return recordValue(schema, r), nil
}

// recordOutputSchema is the output schema of a one-record step.
func recordOutputSchema(ctx context.Context, c *Check) (*Schema, error) {
	schema, err := checkObject(ctx, c)
	if err != nil {
		return nil, err
	}
	return RecordSchema(schema), nil
}
