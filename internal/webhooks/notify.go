package webhooks

import (
	"context"
	"fmt"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/store"
)

// notifyDisabled tells the workspace's admins that Roster disabled a
// webhook. The webhook's own page says so too (DisabledReason), so a lost
// email loses no information; a failure here is logged, not retried (the
// delivery it came from is over). The idempotency key makes a repeat of the
// same disabling send nothing new.
func (s *Service) notifyDisabled(ctx context.Context, hook *store.Webhook, reason string) {
	log := s.log.With("webhook_id", hook.ID, "workspace_id", hook.WorkspaceID)
	log.Warn("webhooks: webhook disabled", "reason", reason)
	if s.cfg.Mail == nil {
		return
	}
	members, err := s.store.MemberList(ctx, hook.WorkspaceID)
	if err != nil {
		log.Error("webhooks: list admins to notify", "error", err)
		return
	}
	var to []string
	for _, m := range members {
		if m.Role == string(auth.RoleAdmin) && m.Email != "" {
			to = append(to, m.Email)
		}
	}
	if len(to) == 0 {
		return
	}
	link := strings.TrimRight(s.cfg.BaseURL, "/") + "/settings/webhooks/" + hook.ID
	body := fmt.Sprintf("Roster disabled the webhook to %s: %s.\n\n"+
		"Events are no longer sent to it. Fix the receiver, then enable the webhook again in Settings → Webhooks "+
		"and use Redeliver on the deliveries it missed:\n\n[%s](%s)\n", hook.TargetURL, reason, link, link)
	_, err = s.cfg.Mail.Send(ctx, &mail.Message{
		WorkspaceID: hook.WorkspaceID, Kind: mail.KindWebhook, To: to,
		Subject:        "Webhook disabled: " + hook.TargetURL,
		Body:           body,
		IdempotencyKey: "webhook-disabled:" + hook.ID + ":" + s.now().Format("2006-01-02T15"),
	})
	if err != nil {
		log.Error("webhooks: email admins about the disabled webhook", "error", err)
	}
}
