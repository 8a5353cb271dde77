package rest

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/analytics"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
)

// analyticsParams are the query keys both analytics endpoints take, named
// as GraphQL's arguments; mrrMovements adds kind.
var analyticsParams = []string{"from", "to", "currency", "productId", "pastDueActive", "cancelingUntilPeriodEnd", "trialsInMrr", "refundsOnRefundDate"}

// analyticsQuery reads the shared query keys into the service's parameters
// for the caller's workspace. extra are the endpoint's own keys, returned
// for it to read. An unknown or repeated key is refused (onlyKeys).
func (h *handler) analyticsQuery(r *http.Request, extra ...string) (analytics.Params, url.Values, error) {
	p := auth.PrincipalFrom(r.Context())
	if p == nil {
		return analytics.Params{}, nil, &crm.Error{Cause: crm.ErrUnauthenticated, Code: crm.CodeUnauthenticated, Message: "authentication required: send an API key as \"Authorization: Bearer KEY\""}
	}
	if h.analytics == nil {
		return analytics.Params{}, nil, crm.Invalid("", crm.CodeInvalidValue, "analytics are not enabled on this server")
	}
	q := r.URL.Query()
	known := append(append([]string{}, analyticsParams...), extra...)
	if err := onlyKeys(q, known); err != nil {
		return analytics.Params{}, nil, err
	}
	out := analytics.Params{WorkspaceID: p.WorkspaceID, Currency: q.Get("currency"), ProductID: q.Get("productId")}
	for _, d := range []struct {
		key string
		dst *time.Time
	}{{"from", &out.From}, {"to", &out.To}} {
		v := q.Get(d.key)
		if v == "" {
			return out, nil, crm.Invalid(d.key, crm.CodeInvalidValue, "is required (YYYY-MM-DD)")
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return out, nil, crm.Invalid(d.key, crm.CodeInvalidValue, "%q is not a date YYYY-MM-DD", v)
		}
		*d.dst = t
	}
	switches := make([]*bool, 4)
	for i, k := range analyticsParams[4:] {
		v := q.Get(k)
		if v == "" {
			continue
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			return out, nil, crm.Invalid(k, crm.CodeInvalidValue, "%q is not true or false", v)
		}
		switches[i] = &b
	}
	out.Semantics = analytics.DefaultSemantics().Override(switches[0], switches[1], switches[2], switches[3])
	return out, q, nil
}

// revenueMetricsJSON is GraphQL's RevenueMetrics as REST returns it.
type revenueMetricsJSON struct {
	Currency        string             `json:"currency"`
	Currencies      []string           `json:"currencies"`
	MRRMicros       int64              `json:"mrrMicros"`
	ARRMicros       int64              `json:"arrMicros"`
	ActiveMembers   int                `json:"activeMembers"`
	PayingMembers   int                `json:"payingMembers"`
	ARPUMicros      int64              `json:"arpuMicros"`
	LogoChurnRate   float64            `json:"logoChurnRate"`
	NRR             float64            `json:"nrr"`
	GRR             float64            `json:"grr"`
	RevenueChurn    float64            `json:"revenueChurnRate"`
	NetRevenueChurn float64            `json:"netRevenueChurnRate"`
	RevenueMicros   int64              `json:"revenueMicros"`
	RefundedMicros  int64              `json:"refundedMicros"`
	Semantics       map[string]bool    `json:"semantics"`
	Points          []revenuePointJSON `json:"points"`
}

type revenuePointJSON struct {
	PeriodStart           string `json:"periodStart"`
	PeriodEnd             string `json:"periodEnd"`
	MRRMicros             int64  `json:"mrrMicros"`
	NewMRRMicros          int64  `json:"newMrrMicros"`
	ExpansionMRRMicros    int64  `json:"expansionMrrMicros"`
	ContractionMRRMicros  int64  `json:"contractionMrrMicros"`
	ChurnedMRRMicros      int64  `json:"churnedMrrMicros"`
	ReactivationMRRMicros int64  `json:"reactivationMrrMicros"`
	NetNewMRRMicros       int64  `json:"netNewMrrMicros"`
	ActiveMembers         int    `json:"activeMembers"`
	NewMembers            int    `json:"newMembers"`
	ReactivatedMembers    int    `json:"reactivatedMembers"`
	ChurnedMembers        int    `json:"churnedMembers"`
	RevenueMicros         int64  `json:"revenueMicros"`
	RefundedMicros        int64  `json:"refundedMicros"`
}

// revenueMetrics serves GET /rest/revenueMetrics: GraphQL's revenueMetrics
// as {"data": {"revenueMetrics": {...}}}, its arguments as query keys (the
// switches as true/false).
func (h *handler) revenueMetrics(w http.ResponseWriter, r *http.Request) error {
	p, q, err := h.analyticsQuery(r, "interval")
	if err != nil {
		return err
	}
	p.Interval = analytics.Interval(strings.ToUpper(q.Get("interval")))
	m, err := h.analytics.RevenueMetrics(r.Context(), p)
	if err != nil {
		return err
	}
	out := revenueMetricsJSON{Currency: m.Currency, Currencies: m.Currencies, MRRMicros: m.MRRMicros, ARRMicros: m.ARRMicros,
		ActiveMembers: m.ActiveMembers, PayingMembers: m.PayingMembers, ARPUMicros: m.ARPUMicros, LogoChurnRate: m.LogoChurnRate,
		NRR: m.NRR, GRR: m.GRR, RevenueChurn: m.RevenueChurnRate, NetRevenueChurn: m.NetRevenueChurnRate,
		RevenueMicros: m.RevenueMicros, RefundedMicros: m.RefundedMicros, Points: make([]revenuePointJSON, len(m.Points)),
		Semantics: map[string]bool{"pastDueActive": m.Semantics.PastDueActive, "cancelingUntilPeriodEnd": m.Semantics.CancelingUntilPeriodEnd,
			"trialsInMrr": m.Semantics.TrialsInMRR, "refundsOnRefundDate": m.Semantics.RefundsOnRefundDate}}
	if out.Currencies == nil {
		out.Currencies = []string{}
	}
	for i, pt := range m.Points {
		out.Points[i] = revenuePointJSON{PeriodStart: pt.PeriodStart.Format(time.DateOnly), PeriodEnd: pt.PeriodEnd.Format(time.DateOnly),
			MRRMicros: pt.MRRMicros, NewMRRMicros: pt.NewMicros, ExpansionMRRMicros: pt.ExpansionMicros, ContractionMRRMicros: pt.ContractionMicros,
			ChurnedMRRMicros: pt.ChurnedMicros, ReactivationMRRMicros: pt.ReactivationMicros, NetNewMRRMicros: pt.NetNewMicros,
			ActiveMembers: pt.ActiveMembers, NewMembers: pt.NewMembers, ReactivatedMembers: pt.ReactivatedMembers, ChurnedMembers: pt.ChurnedMembers,
			RevenueMicros: pt.RevenueMicros, RefundedMicros: pt.RefundedMicros}
	}
	httpserver.WriteJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"revenueMetrics": out}})
	return nil
}
