package records

import (
	"context"
	"database/sql"

	"github.com/roster-crm/roster/internal/crm"
)

// DefaultBatch is how many inputs one UpsertMany transaction writes when
// UpsertManyParams.BatchSize is zero.
const DefaultBatch = 500

// UpsertManyParams upsert a large list (a CSV import) in batches.
type UpsertManyParams struct {
	WorkspaceID string
	Object      *crm.Object
	Actor       crm.Actor
	Inputs      []crm.Input
	// BatchSize is how many inputs share one transaction (0: DefaultBatch).
	BatchSize int
}

// BatchFailure is a batch that was not written: inputs [Start, End) and the
// validation error that refused it.
type BatchFailure struct {
	Start, End int
	Err        *crm.Error
}

// UpsertCounts is what UpsertMany did. Created+Updated+Unchanged+Failed is
// the number of inputs.
type UpsertCounts struct {
	Created, Updated, Unchanged, Failed int
	Failures                            []BatchFailure
}

// UpsertMany upserts the inputs (matched as CreateParams.Upsert says) one
// batch per transaction. A batch is atomic: a validation error leaves none
// of its inputs behind, is reported in Failures, and the next batch still
// runs. Any other error stops the run and is returned with the counts so far.
func (s *Service) UpsertMany(ctx context.Context, p UpsertManyParams) (*UpsertCounts, error) {
	size := p.BatchSize
	if size <= 0 {
		size = DefaultBatch
	}
	out := &UpsertCounts{}
	for start := 0; start < len(p.Inputs); start += size {
		end := min(start+size, len(p.Inputs))
		var res *UpsertResult
		err := s.store.InTx(ctx, func(tx *sql.Tx) error {
			var err error
			res, err = s.UpsertTx(ctx, tx, CreateParams{WorkspaceID: p.WorkspaceID, Object: p.Object, Actor: p.Actor, Inputs: p.Inputs[start:end], Upsert: true})
			return err
		})
		if e, invalid := crm.AsError(err); invalid {
			out.Failed += end - start
			out.Failures = append(out.Failures, BatchFailure{Start: start, End: end, Err: e})
			continue
		}
		if err != nil {
			return out, err
		}
		out.Created += res.Created
		out.Updated += res.Updated
		out.Unchanged += end - start - res.Created - res.Updated
	}
	return out, nil
}
