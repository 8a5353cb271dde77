package graph

import (
	"context"
	"time"

	"github.com/roster-crm/roster/internal/analytics"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/graph/model"
)

// analyticsParams turns the arguments both analytics queries share into the
// service's parameters for the caller's workspace.
func (r *Resolver) analyticsParams(ctx context.Context, from, to time.Time, currency, productID *string, sem *model.AnalyticsSemanticsInput) (*analytics.Service, analytics.Params, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, analytics.Params{}, err
	}
	if r.analytics == nil {
		return nil, analytics.Params{}, crm.Invalid("", crm.CodeInvalidValue, "analytics are not enabled on this server")
	}
	out := analytics.Params{WorkspaceID: p.WorkspaceID, From: from, To: to, Semantics: analytics.DefaultSemantics()}
	if currency != nil {
		out.Currency = *currency
	}
	if productID != nil {
		out.ProductID = *productID
	}
	if sem != nil {
		out.Semantics = out.Semantics.Override(sem.PastDueActive, sem.CancelingUntilPeriodEnd, sem.TrialsInMrr, sem.RefundsOnRefundDate)
	}
	return r.analytics, out, nil
}

func revenueMetrics(m *analytics.Metrics) *model.RevenueMetrics {
	out := &model.RevenueMetrics{Currency: m.Currency, Currencies: m.Currencies, MrrMicros: m.MRRMicros, ArrMicros: m.ARRMicros,
		ActiveMembers: m.ActiveMembers, PayingMembers: m.PayingMembers, ArpuMicros: m.ARPUMicros, LogoChurnRate: m.LogoChurnRate,
		Nrr: m.NRR, Grr: m.GRR, RevenueChurnRate: m.RevenueChurnRate, NetRevenueChurnRate: m.NetRevenueChurnRate,
		RevenueMicros: m.RevenueMicros, RefundedMicros: m.RefundedMicros, Points: make([]*model.RevenuePoint, len(m.Points)),
		Semantics: &model.AnalyticsSemantics{PastDueActive: m.Semantics.PastDueActive, CancelingUntilPeriodEnd: m.Semantics.CancelingUntilPeriodEnd,
			TrialsInMrr: m.Semantics.TrialsInMRR, RefundsOnRefundDate: m.Semantics.RefundsOnRefundDate}}
	if out.Currencies == nil {
		out.Currencies = []string{}
	}
	for i, p := range m.Points {
		out.Points[i] = &model.RevenuePoint{PeriodStart: p.PeriodStart, PeriodEnd: p.PeriodEnd, MrrMicros: p.MRRMicros,
			NewMrrMicros: p.NewMicros, ExpansionMrrMicros: p.ExpansionMicros, ContractionMrrMicros: p.ContractionMicros,
			ChurnedMrrMicros: p.ChurnedMicros, ReactivationMrrMicros: p.ReactivationMicros, NetNewMrrMicros: p.NetNewMicros,
			ActiveMembers: p.ActiveMembers, NewMembers: p.NewMembers, ReactivatedMembers: p.ReactivatedMembers, ChurnedMembers: p.ChurnedMembers,
			RevenueMicros: p.RevenueMicros, RefundedMicros: p.RefundedMicros}
	}
	return out
}

func mrrMovement(m analytics.Movement) *model.MrrMovement {
	out := &model.MrrMovement{Kind: model.MrrMovementKind(m.Kind), MembershipID: m.MembershipID, OpportunityID: m.OpportunityID,
		HappenedAt: m.HappenedAt, BeforeMicros: m.BeforeMicros, AfterMicros: m.AfterMicros}
	if m.PersonID != "" {
		out.PersonID = &m.PersonID
	}
	return out
}
