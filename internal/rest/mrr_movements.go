package rest

import (
	"net/http"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/analytics"
	"github.com/roster-crm/roster/internal/httpserver"
)

// mrrMovementJSON is GraphQL's MrrMovement as REST returns it.
type mrrMovementJSON struct {
	Kind          string  `json:"kind"`
	PersonID      *string `json:"personId"`
	MembershipID  string  `json:"membershipId"`
	OpportunityID string  `json:"opportunityId"`
	HappenedAt    string  `json:"happenedAt"`
	BeforeMicros  int64   `json:"beforeMicros"`
	AfterMicros   int64   `json:"afterMicros"`
}

// mrrMovements serves GET /rest/mrrMovements: GraphQL's mrrMovements (the
// people and memberships behind each movement figure of revenueMetrics) as
// {"data": {"mrrMovements": [...]}}, oldest first.
func (h *handler) mrrMovements(w http.ResponseWriter, r *http.Request) error {
	p, q, err := h.analyticsQuery(r, "kind")
	if err != nil {
		return err
	}
	ms, err := h.analytics.MRRMovements(r.Context(), analytics.MovementsParams{Params: p, Kind: analytics.Kind(strings.ToUpper(q.Get("kind")))})
	if err != nil {
		return err
	}
	out := make([]mrrMovementJSON, len(ms))
	for i, m := range ms {
		out[i] = mrrMovementJSON{Kind: string(m.Kind), MembershipID: m.MembershipID, OpportunityID: m.OpportunityID,
			HappenedAt: m.HappenedAt.UTC().Format(time.RFC3339Nano), BeforeMicros: m.BeforeMicros, AfterMicros: m.AfterMicros}
		if m.PersonID != "" {
			out[i].PersonID = &m.PersonID
		}
	}
	httpserver.WriteJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"mrrMovements": out}})
	return nil
}
