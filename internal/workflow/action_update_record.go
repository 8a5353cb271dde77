package workflow

import (
	"context"
	"fmt"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// UPDATE_RECORD {objectName, objectRecordId, objectRecord, fieldsToUpdate}:
// updates one record. fieldsToUpdate, when given, names the keys of
// objectRecord to write (Twenty's builder keeps every field in
// objectRecord and lists the ones to change). Its output is the record.
type updateRecord struct{ svc *Service }

func (updateRecord) Type() string        { return "UPDATE_RECORD" }
func (updateRecord) Transactional() bool { return true }

func (updateRecord) Validate(ctx context.Context, c *Check) error {
	schema, err := checkObject(ctx, c)
	if err != nil {
		return err
	}
	if _, err := c.Text("objectRecordId", true); err != nil {
		return err
	}
	if err := checkRecordInput(c, schema, "objectRecord", true); err != nil {
		return err
	}
	v, ok := c.Input("fieldsToUpdate")
	if !ok {
		return nil
	}
	list, isList := v.([]any)
	if !isList {
		return c.Errorf("fieldsToUpdate", crm.CodeInvalidType, "expected a list of field names")
	}
	for i, f := range list {
		name, isStr := f.(string)
		if !isStr {
			return c.Errorf(fmt.Sprintf("fieldsToUpdate[%d]", i), crm.CodeInvalidType, "expected a field name")
		}
		if err := checkRecordKey(schema, name, nil); err != nil {
			return c.Errorf(fmt.Sprintf("fieldsToUpdate[%d]", i), crm.CodeUnknownField, "%v", err)
		}
	}
	return nil
}

func (updateRecord) OutputSchema(ctx context.Context, c *Check) (*Schema, error) {
	return recordOutputSchema(ctx, c)
}

func (a *updateRecord) Execute(ctx context.Context, x *Exec) (*Result, error) {
	o, err := recordObject(x)
	if err != nil {
		return nil, err
	}
	id, err := recordID(x, "objectRecordId")
	if err != nil {
		return nil, err
	}
	in, err := recordInput(x, "objectRecord")
	if err != nil {
		return nil, err
	}
	if list, ok := x.Input["fieldsToUpdate"].([]any); ok {
		only := crm.Input{}
		for _, f := range list {
			if name, ok := f.(string); ok {
				if v, present := in[name]; present {
					only[name] = v
				}
			}
		}
		in = only
	}
	rec, _, err := a.svc.records.UpdateTx(ctx, x.Tx, records.UpdateParams{WorkspaceID: x.WorkspaceID, Object: o, Actor: x.Actor, ID: id, Input: in})
	if err != nil {
		return nil, err
	}
	out, err := a.svc.recordOutput(ctx, x.WorkspaceID, o, rec)
	return &Result{Output: out}, err
}
