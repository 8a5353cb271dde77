package whopsync

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/whop"
)

// Where a workspace's webhook secret came from (store.WhopConnection's
// WebhookSource).
const (
	// WebhookRegistered: Roster made the webhook through Whop's API and
	// stored the secret Whop returned.
	WebhookRegistered = "registered"
	// WebhookPasted: an admin copied the secret from Whop's dashboard.
	WebhookPasted = "pasted"
)

// WebhookEvents are the v1 events Roster processes (see process.go), and so
// the ones it subscribes its webhook to.
var WebhookEvents = []string{
	"membership.activated", "membership.deactivated", "membership.cancel_at_period_end_changed",
	"payment.created", "payment.succeeded", "payment.failed", "payment.pending",
	"refund.created", "refund.updated",
}

// registerWebhook makes the workspace's webhook at Whop and puts its ID and
// sealed secret on conn. The new webhook is made first and older ones at
// the same URL (an earlier connection's, or old's) deleted after, so a
// failure leaves the working webhook in place; the failure is recorded on
// conn.WebhookError for the settings page, and returned.
func (s *Service) registerWebhook(ctx context.Context, client *whop.Client, conn *store.WhopConnection, old *store.WhopConnection) error {
	url := s.WebhookURL(conn.WorkspaceID)
	hook, err := client.CreateWebhook(ctx, whop.CreateWebhookParams{URL: url, Events: WebhookEvents, ResourceID: conn.CompanyID})
	if err == nil && (hook.WebhookSecret == nil || *hook.WebhookSecret == "") {
		err = errors.New("whopsync: Whop created the webhook but returned no secret")
		_ = client.DeleteWebhook(ctx, hook.ID)
	}
	if err != nil {
		conn.WebhookError = webhookErrorText(err)
		if old != nil && conn.WebhookSecretSealed == "" {
			conn.WebhookSecretSealed, conn.WebhookID, conn.WebhookSource = old.WebhookSecretSealed, old.WebhookID, old.WebhookSource
		}
		return err
	}
	sealed, err := s.seal("webhook_secret", conn.WorkspaceID, *hook.WebhookSecret)
	if err != nil {
		_ = client.DeleteWebhook(ctx, hook.ID)
		return err
	}
	conn.WebhookSecretSealed, conn.WebhookID, conn.WebhookSource, conn.WebhookError = sealed, hook.ID, WebhookRegistered, ""
	stale := map[string]bool{}
	if old != nil && old.WebhookID != "" && old.WebhookID != hook.ID {
		stale[old.WebhookID] = true
	}
	if page, err := client.ListWebhooks(ctx, 0, ""); err == nil {
		for _, h := range page.Data {
			if h.URL == url && h.ID != hook.ID {
				stale[h.ID] = true
			}
		}
	}
	for id := range stale {
		if err := client.DeleteWebhook(ctx, id); err != nil && !errors.Is(err, whop.ErrNotFound) {
			s.log.Warn("whop: delete an older webhook of the workspace", "workspace_id", conn.WorkspaceID, "webhook_id", id, "error", err)
		}
	}
	return nil
}

// webhookErrorText explains a failed registration to an admin.
func webhookErrorText(err error) string {
	switch {
	case errors.Is(err, whop.ErrForbidden):
		return "Whop refused to create the webhook: the credential lacks the developer:manage_webhook permission. Add it, or create the webhook in Whop's dashboard and paste its secret here."
	case errors.Is(err, whop.ErrBadRequest):
		return "Whop refused the webhook (" + err.Error() + "). Check that ROSTER_BASE_URL is Roster's public address."
	}
	return "Roster could not create the webhook at Whop: " + err.Error()
}

// RecreateWebhook registers the workspace's webhook at Whop again (a new
// secret; the older webhook is deleted) and stores its secret. Admins
// only. A refusal is stored for the settings page and returned as a field
// error on "webhook".
func (s *Service) RecreateWebhook(ctx context.Context, p *auth.Principal) (*Status, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return nil, err
	}
	conn, err := s.store.WhopConnectionGet(ctx, nil, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	client, err := s.clientFor(ctx, conn)
	if err != nil {
		return nil, err
	}
	next := *conn
	regErr := s.registerWebhook(ctx, client, &next, conn)
	if regErr != nil && errors.Is(regErr, whop.ErrReauthRequired) {
		s.markNeedsReauth(ctx, p.WorkspaceID)
	}
	action := audit.WhopWebhookRegistered
	if regErr != nil {
		action = audit.WhopWebhookRegisterFailed
	}
	if err := s.saveWebhook(ctx, p, &next, action); err != nil {
		return nil, err
	}
	if regErr != nil {
		return nil, crm.Invalid("webhook", crm.CodeInvalidValue, "%s", next.WebhookError)
	}
	return s.Status(ctx, p.WorkspaceID)
}

// SetWebhookSecret stores a secret an admin copied from Whop's dashboard,
// for when Roster cannot register the webhook itself. Admins only.
func (s *Service) SetWebhookSecret(ctx context.Context, p *auth.Principal, secret string) (*Status, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return nil, err
	}
	secret = strings.TrimSpace(secret)
	switch {
	case secret == "":
		return nil, crm.Invalid("webhookSecret", crm.CodeRequired, "paste the webhook secret (ws_...) from Whop's webhook settings")
	case len(secret) < 16:
		return nil, crm.Invalid("webhookSecret", crm.CodeInvalidValue, "the webhook secret looks truncated: copy the whole ws_... value from Whop")
	}
	conn, err := s.store.WhopConnectionGet(ctx, nil, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if conn.WebhookSecretSealed, err = s.seal("webhook_secret", p.WorkspaceID, secret); err != nil {
		return nil, err
	}
	conn.WebhookSource, conn.WebhookError = WebhookPasted, ""
	if err := s.saveWebhook(ctx, p, conn, audit.WhopWebhookSecretSet); err != nil {
		return nil, err
	}
	return s.Status(ctx, p.WorkspaceID)
}

// saveWebhook writes conn's webhook fields onto the stored connection
// (which may have changed meanwhile: rotated tokens) and audits action.
func (s *Service) saveWebhook(ctx context.Context, p *auth.Principal, conn *store.WhopConnection, action audit.Action) error {
	return s.store.InTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.store.WhopConnectionGet(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		cur.WebhookSecretSealed, cur.WebhookID, cur.WebhookSource, cur.WebhookError = conn.WebhookSecretSealed, conn.WebhookID, conn.WebhookSource, conn.WebhookError
		cur.UpdatedAt = s.now()
		if err := s.store.WhopConnectionSave(ctx, tx, cur); err != nil {
			return err
		}
		details := map[string]any{"webhookId": cur.WebhookID, "source": cur.WebhookSource}
		if cur.WebhookError != "" {
			details["error"] = cur.WebhookError
		}
		return s.audit(ctx, tx, p.WorkspaceID, action, p.AuditActor(), details)
	})
}

// deleteWebhook removes the workspace's registered webhook at Whop on
// disconnect (best effort: the secret is deleted with the connection, so
// deliveries are refused anyway).
func (s *Service) deleteWebhook(ctx context.Context, conn *store.WhopConnection) {
	if conn.WebhookID == "" {
		return
	}
	client, err := s.clientFor(ctx, conn)
	if err == nil {
		err = client.DeleteWebhook(ctx, conn.WebhookID)
	}
	if err != nil && !errors.Is(err, whop.ErrNotFound) {
		s.log.Warn("whop: delete the webhook on disconnect failed; its secret is deleted anyway", "workspace_id", conn.WorkspaceID, "error", err)
	}
}
