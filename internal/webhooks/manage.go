package webhooks

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/netguard"
	"github.com/roster-crm/roster/internal/store"
)

// Limits of a webhook's fields.
const (
	MaxURLLength         = 2048
	MaxDescriptionLength = 1000
	// MaxWebhooks bounds a workspace's webhooks: each event is rendered and
	// stored once per matching webhook.
	MaxWebhooks = 50
)

// Webhook is a webhook as its admins see it. Secret is set only on the
// value Create returns: it is shown once and never again.
type Webhook struct {
	ID          string
	WorkspaceID string
	TargetURL   string
	Operations  []string
	Description string
	Enabled     bool
	// FailureCount is the number of failed attempts since the last
	// success; FailingSince when that run of failures began.
	FailureCount   int
	FailingSince   *time.Time
	DisabledReason string
	LastDeliveryAt *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Secret         Secret
}

func view(w *store.Webhook) *Webhook {
	return &Webhook{
		ID: w.ID, WorkspaceID: w.WorkspaceID, TargetURL: w.TargetURL, Operations: w.Operations, Description: w.Description,
		Enabled: w.Enabled, FailureCount: w.FailureCount, FailingSince: w.FailingSince, DisabledReason: w.DisabledReason,
		LastDeliveryAt: w.LastDeliveryAt, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt,
	}
}

// CreateParams are the inputs of Create.
type CreateParams struct {
	TargetURL   string
	Operations  []string
	Description string
	// Enabled defaults to true.
	Enabled *bool
}

// UpdateParams are the inputs of Update; nil fields stay as they are.
type UpdateParams struct {
	TargetURL   *string
	Operations  []string
	Description *string
	Enabled     *bool
}

// checkURL validates a target URL: absolute http(s), not obviously on a
// protected network (the dial-time guard has the last word).
func (s *Service) checkURL(raw string) (string, error) {
	if raw == "" {
		return "", crm.Invalid("targetUrl", crm.CodeRequired, "a target URL is required (https://...)")
	}
	if len(raw) > MaxURLLength {
		return "", crm.Invalid("targetUrl", crm.CodeInvalidValue, "at most %d characters", MaxURLLength)
	}
	u, err := netguard.CheckURL(raw, s.cfg.AllowPrivate)
	if err != nil {
		msg := err.Error()
		if errors.Is(err, netguard.ErrBlocked) {
			msg = "this address cannot receive webhooks: " + trimGuard(msg)
		}
		return "", crm.Invalid("targetUrl", crm.CodeInvalidValue, "%s", msg)
	}
	if u.User != nil {
		return "", crm.Invalid("targetUrl", crm.CodeInvalidValue, "credentials in the URL are not supported: verify the webhook-signature header instead")
	}
	if u.Fragment != "" {
		return "", crm.Invalid("targetUrl", crm.CodeInvalidValue, "a URL fragment (#...) is never sent; remove it")
	}
	return u.String(), nil
}

// trimGuard turns "netguard: X: destination not allowed" into "X".
func trimGuard(msg string) string {
	const prefix, suffix = "netguard: ", ": destination not allowed"
	if len(msg) > len(prefix) && msg[:len(prefix)] == prefix {
		msg = msg[len(prefix):]
	}
	if n := len(msg) - len(suffix); n > 0 && msg[n:] == suffix {
		msg = msg[:n]
	}
	return msg
}

func checkDescription(d string) (string, error) {
	if utf8.RuneCountInString(d) > MaxDescriptionLength {
		return "", crm.Invalid("description", crm.CodeInvalidValue, "at most %d characters", MaxDescriptionLength)
	}
	return d, nil
}

// Create adds a webhook with a fresh secret and returns it with the secret,
// the only time it is shown. Admins only.
func (s *Service) Create(ctx context.Context, p *auth.Principal, in CreateParams) (*Webhook, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return nil, err
	}
	target, err := s.checkURL(in.TargetURL)
	if err != nil {
		return nil, err
	}
	ops, err := normalizeOperations(in.Operations)
	if err != nil {
		return nil, err
	}
	desc, err := checkDescription(in.Description)
	if err != nil {
		return nil, err
	}
	n, err := s.store.WebhookCount(ctx, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if n >= MaxWebhooks {
		return nil, crm.Invalid("targetUrl", crm.CodeInvalidValue, "a workspace can have at most %d webhooks; delete one first", MaxWebhooks)
	}
	sec, err := newSecret()
	if err != nil {
		return nil, err
	}
	id := crm.NewID()
	sealed, err := s.seal(p.WorkspaceID, id, sec)
	if err != nil {
		return nil, err
	}
	enabled := in.Enabled == nil || *in.Enabled
	var w *store.Webhook
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		w, err = s.store.WebhookCreate(ctx, tx, &store.WebhookCreateParams{Now: s.now(), Webhook: &store.Webhook{
			ID: id, WorkspaceID: p.WorkspaceID, TargetURL: target, Operations: ops, Description: desc, SecretSealed: sealed, Enabled: enabled,
		}})
		if err != nil {
			return err
		}
		return s.record(ctx, tx, w, audit.WebhookCreated, p.AuditActor(), map[string]any{"operations": ops, "enabled": enabled})
	})
	if err != nil {
		return nil, err
	}
	out := view(w)
	out.Secret = sec
	return out, nil
}

// Get returns one webhook of the caller's workspace. Admins only.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id string) (*Webhook, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return nil, err
	}
	w, err := s.store.WebhookGet(ctx, nil, p.WorkspaceID, id)
	if err != nil {
		return nil, err
	}
	return view(w), nil
}

// ListParams are the inputs of List.
type ListParams struct {
	// After is the ID of the last webhook of the previous page.
	After string
	// First caps the page (default and maximum MaxWebhooks).
	First int
}

// Page is one page of webhooks, in creation order.
type Page struct {
	Webhooks    []*Webhook
	HasNextPage bool
	TotalCount  int
}

// List returns the workspace's webhooks, oldest first. Admins only.
func (s *Service) List(ctx context.Context, p *auth.Principal, in ListParams) (*Page, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return nil, err
	}
	first := in.First
	if first <= 0 || first > MaxWebhooks {
		first = MaxWebhooks
	}
	list, err := s.store.WebhookList(ctx, &store.WebhookListParams{WorkspaceID: p.WorkspaceID, After: in.After, Limit: first + 1})
	if err != nil {
		return nil, err
	}
	total, err := s.store.WebhookCount(ctx, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	pg := &Page{TotalCount: total, HasNextPage: len(list) > first}
	if pg.HasNextPage {
		list = list[:first]
	}
	for _, w := range list {
		pg.Webhooks = append(pg.Webhooks, view(w))
	}
	return pg, nil
}

// Update changes a webhook's URL, operations, description or enabled flag.
// Enabling a webhook clears its failure record, so a webhook Roster
// disabled gets a fresh three days. Admins only.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id string, in UpdateParams) (*Webhook, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return nil, err
	}
	w, err := s.store.WebhookGet(ctx, nil, p.WorkspaceID, id)
	if err != nil {
		return nil, err
	}
	up := &store.WebhookUpdateParams{WorkspaceID: p.WorkspaceID, ID: id, TargetURL: w.TargetURL, Operations: w.Operations,
		Description: w.Description, Enabled: w.Enabled, Now: s.now()}
	if in.TargetURL != nil {
		if up.TargetURL, err = s.checkURL(*in.TargetURL); err != nil {
			return nil, err
		}
	}
	if in.Operations != nil {
		if up.Operations, err = normalizeOperations(in.Operations); err != nil {
			return nil, err
		}
	}
	if in.Description != nil {
		if up.Description, err = checkDescription(*in.Description); err != nil {
			return nil, err
		}
	}
	if in.Enabled != nil {
		up.Enabled = *in.Enabled
		up.ResetFailures = *in.Enabled && !w.Enabled
	}
	var updated *store.Webhook
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if updated, err = s.store.WebhookUpdate(ctx, tx, up); err != nil {
			return err
		}
		return s.record(ctx, tx, updated, audit.WebhookUpdated, p.AuditActor(), changes(w, updated))
	})
	if err != nil {
		return nil, err
	}
	return view(updated), nil
}

// changes lists what an update changed, for the audit log: the fields
// before and after (the target as the log names it, without its query).
func changes(before, after *store.Webhook) map[string]any {
	out := map[string]any{}
	if b, a := auditTarget(before).Label, auditTarget(after).Label; before.TargetURL != after.TargetURL {
		out["targetUrl"] = map[string]any{"from": b, "to": a}
	}
	if !slices.Equal(before.Operations, after.Operations) {
		out["operations"] = map[string]any{"from": before.Operations, "to": after.Operations}
	}
	if before.Description != after.Description {
		out["description"] = map[string]any{"from": before.Description, "to": after.Description}
	}
	if before.Enabled != after.Enabled {
		out["enabled"] = map[string]any{"from": before.Enabled, "to": after.Enabled}
	}
	return out
}

// Delete removes a webhook, its deliveries and their log; deliveries still
// queued find it gone and stop. Admins only.
func (s *Service) Delete(ctx context.Context, p *auth.Principal, id string) (*Webhook, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return nil, err
	}
	var w *store.Webhook
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if w, err = s.store.WebhookDelete(ctx, tx, p.WorkspaceID, id); err != nil {
			return err
		}
		return s.record(ctx, tx, w, audit.WebhookDeleted, p.AuditActor(), nil)
	})
	if err != nil {
		return nil, err
	}
	return view(w), nil
}
