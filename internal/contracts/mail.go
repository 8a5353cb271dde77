package contracts

import (
	"context"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/mail"
)

// mailInvites emails each invited signer their link, after the
// transaction that invited them committed. A send that fails is logged and
// kept in the outbox; the next reminder sends the link again.
func (s *Service) mailInvites(ctx context.Context, c *Contract, invites []invite, reminder bool) {
	if s.cfg.Mail == nil {
		return
	}
	for _, iv := range invites {
		g := iv.signer
		url := s.SigningURL(iv.token)
		subject := "Please sign: " + c.Name
		key := "contract-invite:" + g.ID
		if reminder {
			subject = "Reminder: please sign " + c.Name
			key = fmt.Sprintf("contract-remind:%s:%d", g.ID, s.now().Unix())
		}
		body := fmt.Sprintf("Hello %s,\n\nYou are asked to sign \"%s\" as %s.", g.Name, c.Name, g.Role)
		if c.Message != "" {
			body += "\n\n" + c.Message
		}
		body += fmt.Sprintf("\n\n[Review and sign](%s)\n\nThe link is yours alone and works once. It expires on %s.",
			url, c.ExpiresAt.UTC().Format(time.RFC1123))
		_, err := s.cfg.Mail.Send(ctx, &mail.Message{WorkspaceID: c.WorkspaceID, Kind: mail.KindContract, To: []string{g.Email},
			Subject: subject, Body: body, IdempotencyKey: key, Secrets: []string{iv.token}})
		if err != nil {
			s.cfg.Logger.WarnContext(ctx, "contract invitation not sent", "workspace_id", c.WorkspaceID, "contract_id", c.ID, "signer_id", g.ID, "error", err)
		}
	}
}
