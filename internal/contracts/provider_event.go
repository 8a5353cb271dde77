package contracts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// Provider event kinds, what the adapters map their events to.
const (
	ProviderViewed    = "viewed"
	ProviderSigned    = "signed"
	ProviderDeclined  = "declined"
	ProviderCompleted = "completed"
	ProviderVoided    = "voided"
	ProviderExpired   = "expired"
	// ProviderOther is acknowledged and changes nothing.
	ProviderOther = "other"
)

// ProviderEvent is one authenticated provider callback, mapped.
type ProviderEvent struct {
	RequestID string
	Kind      string
	// SignerID is the provider's signer (signature_id, recipientId) for
	// viewed, signed and declined.
	SignerID string
	Reason   string
	// Name is the provider's own event name, for the audit trail.
	Name string
}

// WebhookDelivery is a provider's callback as the HTTP intake received it.
type WebhookDelivery struct {
	Header      map[string][]string
	ContentType string
	Body        []byte
}

// ErrBadSignature is a callback whose signature does not verify (401).
var ErrBadSignature = &crm.Error{Cause: crm.ErrUnauthenticated, Code: crm.CodeUnauthenticated, Message: "the callback's signature does not verify"}

// WebhookParser is implemented by providers that take callbacks: it
// authenticates a delivery exactly as the provider documents and maps it.
// reply is the body the provider expects back.
type WebhookParser interface {
	ParseWebhook(d WebhookDelivery) (ev *ProviderEvent, reply string, err error)
}

// AcceptWebhook authenticates and applies a provider callback for a
// workspace. Applying is idempotent: a duplicate or late event finds the
// state it would set and changes nothing, and completion happens once.
// Unknown events and requests Roster did not send are acknowledged.
func (s *Service) AcceptWebhook(ctx context.Context, workspaceID, provider string, d WebhookDelivery) (string, error) {
	p, ok := s.cfg.Providers[provider].(WebhookParser)
	if !ok {
		return "", &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "provider " + provider + " is not configured"}
	}
	ev, reply, err := p.ParseWebhook(d)
	if err != nil {
		if errors.Is(err, crm.ErrUnauthenticated) {
			s.cfg.Logger.WarnContext(ctx, "e-signature callback refused: bad signature", "workspace_id", workspaceID, "provider", provider)
		}
		return "", err
	}
	if ev.Kind == ProviderOther || ev.RequestID == "" {
		return reply, nil
	}
	id, err := s.cfg.Store.ContractByProviderRequest(ctx, nil, workspaceID, provider, ev.RequestID)
	if errors.Is(err, crm.ErrNotFound) {
		return reply, nil
	}
	if err != nil {
		return "", err
	}
	if err := s.applyProviderEvent(ctx, workspaceID, id, provider, ev); err != nil {
		return "", err
	}
	return reply, nil
}

func (s *Service) applyProviderEvent(ctx context.Context, workspaceID, id, provider string, ev *ProviderEvent) error {
	var pdf []byte
	if ev.Kind == ProviderCompleted {
		// Fetched before the transaction: a network call must not hold the
		// write lock. A failure is returned, so the provider retries.
		c, err := s.Get(ctx, workspaceID, id)
		if err != nil {
			return err
		}
		if !open(c.Status) {
			return nil // signed already, or voided, declined, expired: nothing to complete
		}
		if pdf, err = s.cfg.Providers[provider].Download(ctx, ev.RequestID); err != nil {
			return fmt.Errorf("contracts: download the signed PDF from %s: %w", provider, err)
		}
	}
	var notices []Notice
	err := s.cfg.Store.InTx(ctx, func(tx *sql.Tx) error {
		c, err := s.storeGet(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		now := s.now()
		var g *Signer
		for _, o := range c.Signers {
			if ev.SignerID != "" && o.ProviderSignerID == ev.SignerID {
				g = o
			}
		}
		detail := provider + " " + ev.Name
		switch ev.Kind {
		case ProviderViewed:
			if g == nil || g.ViewedAt != nil || !open(c.Status) {
				return nil
			}
			g.ViewedAt, g.Status = &now, SignerViewed
			if c.Status == StatusSent {
				c.Status = StatusViewed
			}
			notices = append(notices, Notice{WorkspaceID: workspaceID, Name: "contract.viewed", ContractID: c.ID, SignerID: g.ID})
			return s.providerSave(ctx, tx, c, g, EventViewed, detail, now)
		case ProviderSigned:
			if g == nil || g.Status == SignerSigned || !open(c.Status) {
				return nil
			}
			g.SignedAt, g.Status, g.SignatureMethod = &now, SignerSigned, provider
			c.Status = StatusPartiallySigned
			return s.providerSave(ctx, tx, c, g, EventSigned, detail, now)
		case ProviderDeclined:
			if !open(c.Status) {
				return nil
			}
			if g != nil {
				g.Status, g.DeclinedAt, g.DeclineReason = SignerDeclined, &now, ev.Reason
			}
			c.Status = StatusDeclined
			notices = append(notices, Notice{WorkspaceID: workspaceID, Name: "contract.declined", ContractID: c.ID})
			if err := s.providerSave(ctx, tx, c, g, EventDeclined, detail+"; reason: "+ev.Reason, now); err != nil {
				return err
			}
			return s.timeline(ctx, tx, c, "declined", crm.Actor{}, now)
		case ProviderVoided, ProviderExpired:
			if !open(c.Status) {
				return nil
			}
			typ, name := EventVoided, "voided"
			c.Status = StatusVoided
			if ev.Kind == ProviderExpired {
				typ, name, c.Status = EventExpired, "expired", StatusExpired
			}
			notices = append(notices, Notice{WorkspaceID: workspaceID, Name: "contract." + name, ContractID: c.ID})
			if err := s.providerSave(ctx, tx, c, nil, typ, detail, now); err != nil {
				return err
			}
			return s.timeline(ctx, tx, c, name, crm.Actor{}, now)
		case ProviderCompleted:
			if !open(c.Status) || pdf == nil {
				return nil
			}
			for _, o := range c.Signers {
				if o.Status != SignerSigned {
					o.Status, o.SignedAt = SignerSigned, &now
					if err := s.cfg.Store.ContractSignerUpdate(ctx, tx, o); err != nil {
						return err
					}
				}
			}
			if err := s.event(ctx, tx, c, nil, EventProviderUpdate, provider, detail, Visit{}, now); err != nil {
				return err
			}
			notices = append(notices, Notice{WorkspaceID: workspaceID, Name: "contract.signed", ContractID: c.ID})
			return s.complete(ctx, tx, c, pdf, now)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.notify(ctx, notices)
	return nil
}

// providerSave writes a provider-driven change and its audit entry.
func (s *Service) providerSave(ctx context.Context, tx *sql.Tx, c *Contract, g *Signer, typ, detail string, now time.Time) error {
	c.UpdatedAt = now
	if g != nil {
		if err := s.cfg.Store.ContractSignerUpdate(ctx, tx, g); err != nil {
			return err
		}
	}
	if err := s.cfg.Store.ContractUpdate(ctx, tx, c); err != nil {
		return err
	}
	return s.event(ctx, tx, c, g, typ, "", detail, Visit{}, now)
}
