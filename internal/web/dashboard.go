package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/insights"
)

// dashboard is the home page: the membership business at a glance. Its
// figures come from package insights (SQL aggregates, see the definitions
// there); dashboard_view.go shapes them for the template.
func (u *UI) dashboard(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	d, err := u.cfg.Insights.Dashboard(r.Context(), insights.DashboardParams{WorkspaceID: p.WorkspaceID})
	if err != nil {
		return err
	}
	return u.render(w, r, "dashboard", "Home", newDashboardView(d))
}
