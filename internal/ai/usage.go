package ai

import (
	"context"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// Usage is one row of the ledger.
type Usage = store.AIUsage

// UsageGroup is one group of a usage summary.
type UsageGroup = store.AIUsageGroup

// UsageFilter selects ledger rows; zero fields select everything.
type UsageFilter struct {
	From, To *time.Time
	Action   string
	Status   string
	Provider string
	Model    string
	UserID   string
}

// MaxUsageRows caps one read of the ledger.
const MaxUsageRows = 1000

// UsageRecords returns ledger rows, newest first unless ascending.
func (s *Service) UsageRecords(ctx context.Context, ws string, f UsageFilter, ascending bool, first int) ([]*Usage, error) {
	if first < 0 || first > MaxUsageRows {
		return nil, crm.Invalid("first", crm.CodeInvalidValue, "must be from 1 to %d", MaxUsageRows)
	}
	if first == 0 {
		first = 100
	}
	return s.store.AIUsageList(ctx, &store.AIUsageListParams{WorkspaceID: ws, From: f.From, To: f.To, Action: f.Action, Status: f.Status,
		Provider: f.Provider, Model: f.Model, UserID: f.UserID, Ascending: ascending, Limit: first})
}

// UsageSummary sums the ledger over [from, to) grouped by DAY, ACTION,
// MODEL or USER.
func (s *Service) UsageSummary(ctx context.Context, ws string, from, to *time.Time, groupBy string) ([]*UsageGroup, error) {
	return s.store.AIUsageSummary(ctx, ws, from, to, groupBy)
}
