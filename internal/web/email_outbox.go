package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/mail"
)

type emailOutboxData struct {
	Driver mail.Driver
	From   string
	Server string
	Emails []*mail.Email
	Limit  int
}

// emailOutbox shows how mail goes out and the workspace's outbox, newest
// first (admins).
func (u *UI) emailOutbox(w http.ResponseWriter, r *http.Request) error {
	list, err := u.cfg.Mail.List(r.Context(), auth.PrincipalFrom(r.Context()).WorkspaceID)
	if err != nil {
		return err
	}
	m := u.cfg.Mail
	return u.render(w, r, "email", "Email · Settings", emailOutboxData{Driver: m.Driver(), From: m.From(), Server: m.Server(), Emails: list, Limit: mail.OutboxLimit})
}
