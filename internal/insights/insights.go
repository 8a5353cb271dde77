// Package insights computes the figures of a membership business for the
// home dashboard: active members, monthly recurring revenue and its change,
// new and churned members, failed payments, renewals due, and the members at
// risk. Every figure is a SQL aggregate in the store (nothing is loaded
// record by record); this package owns the business definitions.
//
// Definitions (definitions.go) say what each figure counts; the dashboard
// shows those same words beside each figure. Package whopstatus owns the
// status sets the definitions use. MRR normalises a price to a month:
// periods of 28-31 days count as one month, 365-366 days as twelve,
// anything else as amount * 30 / days, in integer micros truncated per
// membership; the MRR of 30 days ago is reconstructed from the status
// history on the timeline at today's prices.
package insights

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/whopstatus"
)

// atRisk is the dashboard's rule for memberships in trouble.
var atRisk = store.AtRiskRule{Statuses: whopstatus.AtRisk, Renewing: whopstatus.Renewing}

// Windows of the dashboard.
const (
	LookBack  = lookBackDays * 24 * time.Hour
	LookAhead = lookAheadDays * 24 * time.Hour

	lookBackDays  = 30
	lookAheadDays = 7
)

// Config wires a Service.
type Config struct {
	Store *store.Store
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service computes dashboards. It is safe for concurrent use.
type Service struct {
	store *store.Store
	now   func() time.Time
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{store: cfg.Store, now: cfg.Now}
}

// Money is an amount in one currency, in micros.
type Money struct {
	Currency string
	Micros   int64
}

// MRR is one currency's recurring revenue now, 30 days ago, and the change.
type MRR struct {
	Currency     string
	Micros       int64
	ThenMicros   int64
	ChangeMicros int64
	Members      int // paying memberships counted now
}

// RecentActivity is one line of the dashboard's recent activity: what
// happened, when, to which record and by whom.
type RecentActivity = store.RecentActivity

// Dashboard is everything the home page shows.
type Dashboard struct {
	Now           time.Time
	Counts        store.MembershipCounts
	MRR           []MRR // one per currency, sorted by currency
	AtRisk        []*store.AtRiskMembership
	Recent        []*RecentActivity
	LookBackDays  int
	LookAheadDays int
	// Definitions say what each figure counts (keys Figure*).
	Definitions map[string]Definition
}

// DashboardParams choose how long the lists are.
type DashboardParams struct {
	WorkspaceID string
	AtRiskLimit int // default 10
	RecentLimit int // default 10
}

// Dashboard computes a workspace's figures.
func (s *Service) Dashboard(ctx context.Context, p DashboardParams) (*Dashboard, error) {
	now := s.now().UTC()
	if p.AtRiskLimit <= 0 {
		p.AtRiskLimit = 10
	}
	if p.RecentLimit <= 0 {
		p.RecentLimit = 10
	}
	counts, err := s.store.MembershipCounts(ctx, &store.MembershipCountsParams{
		WorkspaceID: p.WorkspaceID, Now: now, Since: now.Add(-LookBack), RenewalsUntil: now.Add(LookAhead),
		Recurring: whopstatus.Recurring, OneTime: whopstatus.OneTime, Churned: whopstatus.Churned, Renewing: whopstatus.Renewing, AtRisk: atRisk,
	})
	if err != nil {
		return nil, fmt.Errorf("insights: %w", err)
	}
	mrr, err := s.MRR(ctx, p.WorkspaceID, now)
	if err != nil {
		return nil, err
	}
	atRisk, err := s.store.AtRiskList(ctx, &store.AtRiskListParams{WorkspaceID: p.WorkspaceID, Rule: atRisk, Limit: p.AtRiskLimit})
	if err != nil {
		return nil, fmt.Errorf("insights: %w", err)
	}
	recent, err := s.store.RecentActivities(ctx, p.WorkspaceID, p.RecentLimit)
	if err != nil {
		return nil, fmt.Errorf("insights: %w", err)
	}
	return &Dashboard{Now: now, Counts: *counts, MRR: mrr, AtRisk: atRisk, Recent: recent,
		LookBackDays: int(LookBack / (24 * time.Hour)), LookAheadDays: int(LookAhead / (24 * time.Hour)), Definitions: Definitions}, nil
}

// MRR returns the recurring revenue per currency at now and LookBack before,
// with the change between them.
func (s *Service) MRR(ctx context.Context, workspaceID string, now time.Time) ([]MRR, error) {
	cur, err := s.store.MRRAt(ctx, &store.MRRParams{WorkspaceID: workspaceID, At: now, Statuses: whopstatus.Paying})
	if err != nil {
		return nil, fmt.Errorf("insights: %w", err)
	}
	then, err := s.store.MRRAt(ctx, &store.MRRParams{WorkspaceID: workspaceID, At: now.Add(-LookBack), Statuses: whopstatus.Paying})
	if err != nil {
		return nil, fmt.Errorf("insights: %w", err)
	}
	by := map[string]*MRR{}
	get := func(c string) *MRR {
		if by[c] == nil {
			by[c] = &MRR{Currency: c}
		}
		return by[c]
	}
	for _, c := range cur {
		m := get(c.Currency)
		m.Micros, m.Members = c.Micros, c.Count
	}
	for _, c := range then {
		get(c.Currency).ThenMicros = c.Micros
	}
	out := make([]MRR, 0, len(by))
	for _, m := range by {
		m.ChangeMicros = m.Micros - m.ThenMicros
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out, nil
}
