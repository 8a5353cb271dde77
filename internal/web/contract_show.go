package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/contracts"
)

// contractSignerView is a signer on the contract page; Link only for admins
// while the signer can use it.
type contractSignerView struct {
	*contracts.Signer
	Link *string
}

// contractShow is a contract's page: status, signers, downloads, the
// audit trail, and void and remind while it is out for signature.
func (u *UI) contractShow(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	c, err := u.cfg.Contracts.Get(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	events, err := u.cfg.Contracts.Events(r.Context(), p.WorkspaceID, c.ID)
	if err != nil {
		return err
	}
	signers := make([]contractSignerView, 0, len(c.Signers))
	for _, g := range c.Signers {
		v := contractSignerView{Signer: g}
		if auth.RequireAdmin(p) == nil {
			if v.Link, err = u.cfg.Contracts.SignerURL(c, g); err != nil {
				return err
			}
		}
		signers = append(signers, v)
	}
	open := c.Status == contracts.StatusSent || c.Status == contracts.StatusViewed || c.Status == contracts.StatusPartiallySigned
	return u.render(w, r, "contract_show", c.Name, map[string]any{"Contract": c, "Signers": signers, "Events": events, "Open": open,
		"Error": r.URL.Query().Get("error")})
}
