package graph

import (
	"context"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/graph/model"
	"github.com/roster-crm/roster/internal/whopsync"
)

// whopFor returns the caller and the Whop integration, or an error when the
// deployment runs without it (no encryption key in a CLI context).
func (r *Resolver) whopFor(ctx context.Context) (*auth.Principal, *whopsync.Service, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, nil, err
	}
	if r.whop == nil {
		return nil, nil, crm.Invalid("", crm.CodeInvalidValue, "the Whop integration is not enabled on this server")
	}
	return p, r.whop, nil
}

// syncResult is the WhopSyncResult shape of a run.
func syncResult(run *whopsync.SyncRun) *model.WhopSyncResult {
	id := run.ID
	errs := run.Errors
	if errs == nil {
		errs = []string{}
	}
	return &model.WhopSyncResult{
		Success: run.Status != whopsync.SyncFailed, SyncRunID: &id, Status: run.Status,
		ProductsSync: run.ProductsCount, UsersSync: run.UsersCount, MembershipsSync: run.MembershipsCount,
		PaymentsSync: run.PaymentsCount, Errors: errs,
	}
}

// stageMapping reads {status: stage} from the JSON argument.
func stageMapping(v any) (map[string]string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, crm.Invalid("mapping", crm.CodeInvalidType, "expected an object of status: stage")
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		s, ok := x.(string)
		if !ok {
			return nil, crm.Invalid("mapping."+k, crm.CodeInvalidType, "expected a stage name")
		}
		out[k] = s
	}
	return out, nil
}

func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// nullString answers null for an empty string.
func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// syncRun maps the service's run to the schema's type, so the store's
// columns are not the API (the schema stays put when the table changes).
func syncRun(run *whopsync.SyncRun) *model.WhopSyncRun {
	if run == nil {
		return nil
	}
	errs := run.Errors
	if errs == nil {
		errs = []string{}
	}
	return &model.WhopSyncRun{
		ID: run.ID, Kind: run.Kind, Status: run.Status, Phase: run.Phase,
		ProductsSync: run.ProductsCount, UsersSync: run.UsersCount, MembershipsSync: run.MembershipsCount, PaymentsSync: run.PaymentsCount,
		Writes: run.WritesCount, Requests: run.RequestsCount, Errors: errs,
		CreatedAt: run.CreatedAt, StartedAt: run.StartedAt, FinishedAt: run.FinishedAt,
	}
}
