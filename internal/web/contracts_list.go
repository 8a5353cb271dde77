package web

import (
	"net/http"
	"slices"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/contracts"
)

// contractsPage lists the workspace's contracts, newest first, with a
// status filter (?status=SIGNED).
func (u *UI) contractsPage(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	status := r.URL.Query().Get("status")
	var f contracts.Filter
	if slices.Contains(contracts.Statuses, status) {
		f.Status = []string{status}
	} else {
		status = ""
	}
	list, err := u.cfg.Contracts.List(r.Context(), p.WorkspaceID, f, r.URL.Query().Get("before"), 50)
	if err != nil {
		return err
	}
	more := ""
	if len(list) == 50 {
		more = list[len(list)-1].ID
	}
	return u.render(w, r, "contracts", "Contracts", map[string]any{"Contracts": list, "Status": status, "Statuses": contracts.Statuses, "More": more})
}
