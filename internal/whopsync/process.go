package whopsync

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/whop"
)

// ProcessEvent applies one stored webhook to the CRM. Membership events
// update the person and opportunity, payment events the payment and the
// timeline, refunds re-read their payment. Types Roster does not act on are
// marked ignored. The event's state changes in the same transaction as its
// effects, so a crash never applies an event twice.
func (s *Service) ProcessEvent(ctx context.Context, workspaceID, eventID string) error {
	ev, err := s.store.WhopInboxGet(ctx, nil, workspaceID, eventID)
	if err != nil {
		return err
	}
	if ev.Status == store.InboxProcessed || ev.Status == store.InboxIgnored {
		return nil
	}
	parsed, err := whop.ParseEvent(ev.Payload)
	if err != nil {
		return s.finishEvent(ctx, nil, ev, store.InboxFailed, err.Error())
	}
	conn, err := s.store.WhopConnectionGet(ctx, nil, workspaceID)
	if errors.Is(err, crm.ErrNotFound) {
		return s.finishEvent(ctx, nil, ev, store.InboxIgnored, "the workspace was disconnected from Whop")
	}
	if err != nil {
		return err
	}
	switch {
	case strings.HasPrefix(parsed.Type, "membership."):
		m, err := parsed.Membership()
		if err != nil {
			return s.finishEvent(ctx, nil, ev, store.InboxFailed, err.Error())
		}
		if m.Status == "" || m.User.ID == "" || m.UpdatedAt.IsZero() {
			// A thin (legacy) payload: the API has the whole membership.
			if m, err = s.fetchMembership(ctx, conn, m.ID); err != nil {
				return s.eventAPIError(ctx, ev, err)
			}
		}
		err = s.applyMembershipEvent(ctx, conn, ev, m, true)
		if errors.Is(err, errAmbiguous) {
			// Same instant, different status (two changes delivered out of
			// order): the API has the current membership.
			if m, err = s.fetchMembership(ctx, conn, m.ID); err != nil {
				return s.eventAPIError(ctx, ev, err)
			}
			err = s.applyMembershipEvent(ctx, conn, ev, m, false)
		}
		return err
	case strings.HasPrefix(parsed.Type, "payment."):
		p, err := parsed.Payment()
		if err != nil {
			return s.finishEvent(ctx, nil, ev, store.InboxFailed, err.Error())
		}
		// Two changes in one instant (paid and refunded) delivered out of
		// order cannot be told apart by updated_at: read the payment.
		if old, err := s.store.WhopPaymentGet(ctx, nil, workspaceID, p.ID); err != nil {
			return err
		} else if old != nil && old.WhopUpdatedAt != nil && p.UpdatedAt.Equal(*old.WhopUpdatedAt) && outcomeOf(old) != paymentOutcome(p) {
			client, err := s.clientFor(ctx, conn)
			if err != nil {
				return err
			}
			if p, err = client.GetPayment(ctx, p.ID); err != nil {
				return s.eventAPIError(ctx, ev, err)
			}
		}
		return s.applyPaymentEvent(ctx, conn, ev, p)
	case strings.HasPrefix(parsed.Type, "refund."):
		r, err := parsed.Refund()
		if err != nil || r.Payment.ID == "" {
			return s.finishEvent(ctx, nil, ev, store.InboxFailed, "refund event without a payment")
		}
		client, err := s.clientFor(ctx, conn)
		if err != nil {
			return err
		}
		p, err := client.GetPayment(ctx, r.Payment.ID)
		if err != nil {
			return s.eventAPIError(ctx, ev, err)
		}
		return s.applyPaymentEvent(ctx, conn, ev, p)
	}
	return s.finishEvent(ctx, nil, ev, store.InboxIgnored, "")
}

// applyPaymentEvent stores a payment, first bringing in its membership when
// Roster has not seen it, so the payment lands on the right opportunity.
func (s *Service) applyPaymentEvent(ctx context.Context, conn *store.WhopConnection, ev *store.WhopInboxEvent, p *whop.Payment) error {
	// A payment can move its membership (a failed renewal makes it past_due,
	// a renewal moves its period) without a membership event of its own:
	// read the membership whenever a payment names one Roster has not seen
	// or whose status differs from the one the payment carries.
	var m *whop.Membership
	if p.Membership.ID != "" {
		states, err := s.store.WhopMembershipStates(ctx, nil, conn.WorkspaceID, []string{p.Membership.ID})
		if err != nil {
			return err
		}
		renewal := p.BillingReason == "subscription_cycle" && paymentOutcome(p) == paySucceeded
		if st := states[p.Membership.ID]; st == nil || renewal || (p.Membership.Status != "" && st.Status != p.Membership.Status) {
			if fetched, err := s.fetchMembership(ctx, conn, p.Membership.ID); err == nil {
				m = fetched
			} // without it the payment still lands on the person
		}
	}
	var keys whopKeys
	keys.addMembership(m)
	keys.addUser(p.User.ID)
	return s.store.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockKeys(ctx, tx, conn.WorkspaceID, keys); err != nil {
			return err
		}
		if m != nil {
			if _, err := s.applyMemberships(ctx, tx, conn.WorkspaceID, conn.StageMapping, []whop.Membership{*m}, true); err != nil {
				return err
			}
		}
		if _, err := s.applyPayments(ctx, tx, conn.WorkspaceID, []whop.Payment{*p}, true); err != nil {
			return err
		}
		return s.finishEvent(ctx, tx, ev, store.InboxProcessed, "")
	})
}

// errAmbiguous means a membership event cannot be ordered against the state
// already applied: the same updated_at with a different status.
var errAmbiguous = errors.New("whopsync: ambiguous membership event")

// applyMembershipEvent applies one membership and finishes the event in one
// transaction, with the membership and its user locked (lockKeys) so
// concurrent events for it, and a sync page holding it, apply one after the
// other. With checkTie it refuses an event tied
// in updated_at with a different status (errAmbiguous).
func (s *Service) applyMembershipEvent(ctx context.Context, conn *store.WhopConnection, ev *store.WhopInboxEvent, m *whop.Membership, checkTie bool) error {
	var keys whopKeys
	keys.addMembership(m)
	return s.store.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockKeys(ctx, tx, conn.WorkspaceID, keys); err != nil {
			return err
		}
		st, err := s.store.WhopMembershipStateLock(ctx, tx, conn.WorkspaceID, m.ID)
		if err != nil {
			return err
		}
		if checkTie && st != nil && st.WhopUpdatedAt != nil && m.UpdatedAt.Equal(*st.WhopUpdatedAt) && st.Status != m.Status {
			return errAmbiguous
		}
		if _, err := s.applyMemberships(ctx, tx, conn.WorkspaceID, conn.StageMapping, []whop.Membership{*m}, checkTie); err != nil {
			return err
		}
		return s.finishEvent(ctx, tx, ev, store.InboxProcessed, "")
	})
}

func (s *Service) fetchMembership(ctx context.Context, conn *store.WhopConnection, id string) (*whop.Membership, error) {
	client, err := s.clientFor(ctx, conn)
	if err != nil {
		return nil, err
	}
	m, err := client.GetMembership(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("whopsync: fetch membership %s: %w", id, err)
	}
	return m, nil
}

// eventAPIError decides between retrying an event (transient errors) and
// giving up on it for good: the credential is gone, or Whop answers 404 for
// the resource the event names (deleted, or never this company's), which no
// retry will change. An event given up on is marked failed, so its job ends
// without retrying, and audited.
func (s *Service) eventAPIError(ctx context.Context, ev *store.WhopInboxEvent, err error) error {
	if errors.Is(err, whop.ErrReauthRequired) {
		s.markNeedsReauth(ctx, ev.WorkspaceID)
	}
	if !permanent(err) && !errors.Is(err, whop.ErrNotFound) {
		return err
	}
	return s.store.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.finishEvent(ctx, tx, ev, store.InboxFailed, err.Error()); err != nil {
			return err
		}
		return s.audit(ctx, tx, ev.WorkspaceID, audit.WhopWebhookFailed, auditActor,
			map[string]any{"eventId": ev.ID, "webhookId": ev.WebhookID, "type": ev.EventType, "error": err.Error()})
	})
}

// finishEvent records an event's outcome, inside tx when given.
func (s *Service) finishEvent(ctx context.Context, tx *sql.Tx, ev *store.WhopInboxEvent, status, msg string) error {
	now := s.now()
	ev.Status, ev.Error, ev.ProcessedAt = status, msg, &now
	ev.Attempts++
	var q store.Querier = s.store.Write
	if tx != nil {
		q = tx
		if status == store.InboxProcessed {
			if err := s.emitDomainEvent(ctx, tx, ev); err != nil {
				return err
			}
		}
	}
	return s.store.WhopInboxMark(ctx, q, ev)
}
