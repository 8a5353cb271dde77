package workflow

import (
	"context"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// UPSERT_RECORD {objectName, objectRecord}: creates the record, or updates
// the one it matches as createMany's upsert does (by id, Whop ID, primary
// email for people, domain for companies). Its output is the record.
type upsertRecord struct{ svc *Service }

func (upsertRecord) Type() string        { return "UPSERT_RECORD" }
func (upsertRecord) Transactional() bool { return true }

func (upsertRecord) Validate(ctx context.Context, c *Check) error {
	schema, err := checkObject(ctx, c)
	if err != nil {
		return err
	}
	return checkRecordInput(c, schema, "objectRecord", true)
}

func (upsertRecord) OutputSchema(ctx context.Context, c *Check) (*Schema, error) {
	return recordOutputSchema(ctx, c)
}

func (a *upsertRecord) Execute(ctx context.Context, x *Exec) (*Result, error) {
	o, err := recordObject(x)
	if err != nil {
		return nil, err
	}
	in, err := recordInput(x, "objectRecord")
	if err != nil {
		return nil, err
	}
	recs, err := a.svc.records.CreateTx(ctx, x.Tx, records.CreateParams{WorkspaceID: x.WorkspaceID, Object: o, Actor: x.Actor,
		Inputs: []crm.Input{in}, Upsert: true})
	if err != nil {
		return nil, err
	}
	out, err := a.svc.recordOutput(ctx, x.WorkspaceID, o, recs[0])
	return &Result{Output: out}, err
}
