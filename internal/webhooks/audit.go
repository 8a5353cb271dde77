package webhooks

import (
	"context"
	"database/sql"
	"net/url"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/store"
)

// systemActor is how Roster appears when it disables a webhook itself.
var systemActor = audit.System("Webhooks")

// auditTarget names a webhook in the audit log by its target URL without
// the query or fragment: a receiver may take a token there, and the log
// must not keep one.
func auditTarget(w *store.Webhook) audit.Target {
	label := w.TargetURL
	if u, err := url.Parse(w.TargetURL); err == nil {
		u.RawQuery, u.Fragment, u.User = "", "", nil
		label = u.String()
	}
	return audit.Target{Type: audit.TargetWebhook, ID: w.ID, Label: label}
}

// record writes an audit entry in tx, the change's own transaction; without
// an audit service (tests of other packages) it writes nothing.
func (s *Service) record(ctx context.Context, tx *sql.Tx, w *store.Webhook, action audit.Action, actor audit.Actor, details map[string]any) error {
	if s.cfg.Audit == nil {
		return nil
	}
	return s.cfg.Audit.RecordTx(ctx, tx, w.WorkspaceID, audit.Entry{Action: action, Actor: actor, Target: auditTarget(w), Details: details})
}
