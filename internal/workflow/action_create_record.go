package workflow

import (
	"context"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// createRecord is two steps that differ only in how the write matches:
//
//   - CREATE_RECORD {objectName, objectRecord} creates one record.
//   - UPSERT_RECORD {objectName, objectRecord} creates the record, or
//     updates the one it matches as createMany's upsert does (by id, Whop
//     ID, primary email for people, domain for companies).
//
// Either's output is the record, so {{<stepId>.id}} is its ID.
type createRecord struct {
	svc    *Service
	upsert bool
}

func (a createRecord) Type() string {
	if a.upsert {
		return "UPSERT_RECORD"
	}
	return "CREATE_RECORD"
}

func (createRecord) Transactional() bool { return true }

func (createRecord) Validate(ctx context.Context, c *Check) error {
	schema, err := checkObject(ctx, c)
	if err != nil {
		return err
	}
	return checkRecordInput(c, schema, "objectRecord", true)
}

func (createRecord) OutputSchema(ctx context.Context, c *Check) (*Schema, error) {
	return recordOutputSchema(ctx, c)
}

func (a *createRecord) Execute(ctx context.Context, x *Exec) (*Result, error) {
	o, err := recordObject(x)
	if err != nil {
		return nil, err
	}
	in, err := recordInput(x, "objectRecord")
	if err != nil {
		return nil, err
	}
	recs, err := a.svc.records.CreateTx(ctx, x.Tx, records.CreateParams{WorkspaceID: x.WorkspaceID, Object: o, Actor: x.Actor,
		Inputs: []crm.Input{in}, Upsert: a.upsert})
	if err != nil {
		return nil, err
	}
	out, err := a.svc.recordOutput(ctx, x.WorkspaceID, o, recs[0])
	return &Result{Output: out}, err
}
