package workflow

import (
	"context"

	"github.com/roster-crm/roster/internal/records"
)

// DELETE_RECORD {objectName, objectRecordId}: soft-deletes one record (it
// can be restored). Its output is the record as deleted.
type deleteRecord struct{ svc *Service }

func (deleteRecord) Type() string        { return "DELETE_RECORD" }
func (deleteRecord) Transactional() bool { return true }

func (deleteRecord) Validate(ctx context.Context, c *Check) error {
	if _, err := checkObject(ctx, c); err != nil {
		return err
	}
	_, err := c.Text("objectRecordId", true)
	return err
}

func (deleteRecord) OutputSchema(ctx context.Context, c *Check) (*Schema, error) {
	return recordOutputSchema(ctx, c)
}

func (a *deleteRecord) Execute(ctx context.Context, x *Exec) (*Result, error) {
	o, err := recordObject(x)
	if err != nil {
		return nil, err
	}
	id, err := recordID(x, "objectRecordId")
	if err != nil {
		return nil, err
	}
	rec, err := a.svc.records.DeleteTx(ctx, x.Tx, records.Ref{WorkspaceID: x.WorkspaceID, Object: o, Actor: x.Actor, ID: id})
	if err != nil {
		return nil, err
	}
	out, err := a.svc.recordOutput(ctx, x.WorkspaceID, o, rec)
	return &Result{Output: out}, err
}
