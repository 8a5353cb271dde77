package contracts

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// Filter selects contracts (contracts(filter)); empty fields match all.
type Filter struct {
	Status        []string
	PersonID      string
	CompanyID     string
	OpportunityID string
}

// MaxPage caps one page of contracts.
const MaxPage = 200

// List returns contracts newest first; before pages back (the ID of the
// last contract of the previous page).
func (s *Service) List(ctx context.Context, workspaceID string, f Filter, before string, limit int) ([]*Contract, error) {
	for i, st := range f.Status {
		if !slices.Contains(Statuses, st) {
			return nil, crm.Invalid(fmt.Sprintf("filter.status[%d]", i), crm.CodeInvalidEnum, "status %q is not one of %s", st, strings.Join(Statuses, ", "))
		}
	}
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	return s.cfg.Store.ContractList(ctx, &store.ContractListParams{WorkspaceID: workspaceID, Statuses: f.Status, PersonID: f.PersonID,
		CompanyID: f.CompanyID, OpportunityID: f.OpportunityID, Before: before, Limit: limit})
}

// Get returns one contract with its signers.
func (s *Service) Get(ctx context.Context, workspaceID, id string) (*Contract, error) {
	return s.cfg.Store.ContractGet(ctx, nil, &store.ContractGetParams{WorkspaceID: workspaceID, ID: id})
}

// Events returns a contract's audit trail, oldest first.
func (s *Service) Events(ctx context.Context, workspaceID, id string) ([]*Event, error) {
	if _, err := s.Get(ctx, workspaceID, id); err != nil {
		return nil, err
	}
	return s.cfg.Store.ContractEvents(ctx, nil, workspaceID, id)
}

// Void cancels a contract still out for signature: its links stop working
// and a provider's request is cancelled too.
func (s *Service) Void(ctx context.Context, workspaceID, id, reason string, actor crm.Actor) (*Contract, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, crm.Invalid("reason", crm.CodeRequired, "say why the contract is voided")
	}
	if utf8.RuneCountInString(reason) > 1000 {
		return nil, crm.Invalid("reason", crm.CodeInvalidValue, "must be at most 1000 characters")
	}
	var out *Contract
	err := s.cfg.Store.InTx(ctx, func(tx *sql.Tx) error {
		c, err := s.storeGet(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		if !open(c.Status) {
			return crm.Invalid("id", crm.CodeInvalidValue, "a %s contract cannot be voided; only one out for signature can", c.Status)
		}
		if p := s.cfg.Providers[c.Provider]; p != nil && c.ProviderRequestID != nil {
			if err := p.Void(ctx, *c.ProviderRequestID, reason); err != nil {
				return fmt.Errorf("contracts: void with %s: %w", c.Provider, err)
			}
		}
		now := s.now()
		c.Status, c.VoidReason, c.UpdatedAt = StatusVoided, reason, now
		if err := s.cfg.Store.ContractUpdate(ctx, tx, c); err != nil {
			return err
		}
		if err := s.event(ctx, tx, c, nil, EventVoided, actor.Name, "reason: "+reason, Visit{}, now); err != nil {
			return err
		}
		out = c
		return s.timeline(ctx, tx, c, "voided", actor, now)
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, []Notice{{WorkspaceID: workspaceID, Name: "contract.voided", ContractID: id}})
	return out, nil
}

// Remind emails the signers whose turn it is their link again (or asks the
// provider to), and records it on the audit trail.
func (s *Service) Remind(ctx context.Context, workspaceID, id string, actor crm.Actor) (*Contract, error) {
	var out *Contract
	var invites []invite
	err := s.cfg.Store.InTx(ctx, func(tx *sql.Tx) error {
		c, err := s.storeGet(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		if !open(c.Status) {
			return crm.Invalid("id", crm.CodeInvalidValue, "a %s contract has no one to remind", c.Status)
		}
		invites, err = s.remindTx(ctx, tx, c, actor.Name)
		out = c
		return err
	})
	if err != nil {
		return nil, err
	}
	s.mailInvites(ctx, out, invites, true)
	return out, nil
}

func (s *Service) remindTx(ctx context.Context, tx *sql.Tx, c *Contract, actor string) ([]invite, error) {
	now := s.now()
	if p := s.cfg.Providers[c.Provider]; p != nil && c.ProviderRequestID != nil {
		var emails []string
		for _, g := range c.Signers {
			if g.Status == SignerSent || g.Status == SignerViewed {
				emails = append(emails, g.Email)
			}
		}
		if err := p.Remind(ctx, *c.ProviderRequestID, emails); err != nil {
			return nil, fmt.Errorf("contracts: remind with %s: %w", c.Provider, err)
		}
	}
	var out []invite
	for _, g := range c.Signers {
		if g.Status != SignerSent && g.Status != SignerViewed {
			continue
		}
		if c.Provider == ProviderBuiltin {
			token, err := s.token(g)
			if err != nil {
				return nil, err
			}
			out = append(out, invite{signer: g, token: token})
		}
		if err := s.event(ctx, tx, c, g, EventReminded, actor, "reminder sent to "+g.Email, Visit{}, now); err != nil {
			return nil, err
		}
	}
	c.LastRemindedAt, c.UpdatedAt = &now, now
	return out, s.cfg.Store.ContractUpdate(ctx, tx, c)
}

// ReminderEvery is how long a signer waits between automatic reminders.
const ReminderEvery = 3 * 24 * time.Hour

// Sweep is the periodic work: contracts past their expiry are expired, and
// signers who have waited ReminderEvery since the last invitation or
// reminder are reminded. Each contract is handled in its own transaction
// under its lock, so a sweep racing a signer changes nothing twice.
func (s *Service) Sweep(ctx context.Context) (expired, reminded int, err error) {
	refs, err := s.cfg.Store.ContractsOpen(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, r := range refs {
		var invites []invite
		var c *Contract
		var didExpire bool
		err := s.cfg.Store.InTx(ctx, func(tx *sql.Tx) error {
			var err error
			if c, err = s.storeGet(ctx, tx, r.WorkspaceID, r.ID); err != nil || !open(c.Status) {
				return err
			}
			now := s.now()
			if c.ExpiresAt != nil && !now.Before(*c.ExpiresAt) {
				didExpire = true
				return s.expireTx(ctx, tx, c, now)
			}
			last := c.SentAt
			if c.LastRemindedAt != nil {
				last = c.LastRemindedAt
			}
			for _, g := range c.Signers {
				if g.SentAt != nil && (last == nil || g.SentAt.After(*last)) {
					last = g.SentAt
				}
			}
			if last != nil && now.Sub(*last) >= ReminderEvery {
				invites, err = s.remindTx(ctx, tx, c, "Roster (automatic reminder)")
				reminded++
			}
			return err
		})
		if err != nil {
			return expired, reminded, err
		}
		if didExpire {
			expired++
			s.notify(ctx, []Notice{{WorkspaceID: r.WorkspaceID, Name: "contract.expired", ContractID: r.ID}})
		}
		if len(invites) > 0 {
			s.mailInvites(ctx, c, invites, true)
		}
	}
	return expired, reminded, nil
}

// Attachment returns a stored file with its content.
func (s *Service) Attachment(ctx context.Context, workspaceID, id string) (*Attachment, error) {
	return s.cfg.Store.AttachmentGet(ctx, workspaceID, id)
}

// Attachments lists a record's files (person, company, opportunity or
// contract), without content.
func (s *Service) Attachments(ctx context.Context, workspaceID string, object crm.ObjectName, id string) ([]*Attachment, error) {
	col := map[crm.ObjectName]string{crm.ObjectPerson: "person_id", crm.ObjectCompany: "company_id",
		crm.ObjectOpportunity: "opportunity_id", "contract": "contract_id"}[object]
	if col == "" {
		return nil, crm.Invalid("object", crm.CodeInvalidEnum, "attachments belong to a person, company, opportunity or contract")
	}
	return s.cfg.Store.AttachmentList(ctx, &store.AttachmentListParams{WorkspaceID: workspaceID, Column: col, ID: id})
}

// AttachmentURL is where a workspace member downloads a stored file.
func (s *Service) AttachmentURL(id string) string { return s.cfg.BaseURL + "/attachments/" + id }
