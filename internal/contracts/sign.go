package contracts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roster-crm/roster/internal/crm"
)

// Why a link cannot be used, as the signing page says it.
const (
	CodeLinkUsed     = "LINK_USED"
	CodeLinkEarly    = "LINK_EARLY"
	CodeLinkExpired  = "LINK_EXPIRED"
	CodeLinkVoided   = "LINK_VOIDED"
	CodeLinkDeclined = "LINK_DECLINED"
	CodeLinkClosed   = "LINK_CLOSED"
)

func refused(code, format string, args ...any) *crm.Error {
	return &crm.Error{Cause: crm.ErrForbidden, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Session is what the public signing page shows a signer.
type Session struct {
	Contract       *Contract
	Signer         *Signer
	ConsentText    string
	ConsentVersion string
	// Fields are the signer's own fields.
	Fields []Field
	// Consented: the signer accepted the consent text; the signing form
	// is shown only then.
	Consented bool
}

// usable says why a signer's link cannot be used now, or nil. An expired
// contract is marked so by the caller (expired reports it).
func usable(c *Contract, g *Signer, now time.Time) (err error, expired bool) {
	switch {
	case g.Status == SignerSigned || g.TokenUsedAt != nil:
		return refused(CodeLinkUsed, "This link was already used. Each signing link works once."), false
	case c.Status == StatusVoided:
		return refused(CodeLinkVoided, "The sender cancelled this document; it can no longer be signed."), false
	case c.Status == StatusDeclined:
		return refused(CodeLinkDeclined, "This document was declined; it can no longer be signed."), false
	case c.Status == StatusExpired:
		return refused(CodeLinkExpired, "This document expired; ask the sender for a new one."), false
	case !open(c.Status):
		return refused(CodeLinkClosed, "This document is no longer out for signature."), false
	case c.ExpiresAt != nil && !now.Before(*c.ExpiresAt):
		return refused(CodeLinkExpired, "This document expired; ask the sender for a new one."), true
	case g.Status == SignerPending:
		var first []string
		for _, o := range c.Signers {
			if o.Order < g.Order && o.Status != SignerSigned {
				first = append(first, o.Name)
			}
		}
		return refused(CodeLinkEarly, "It is not your turn yet: %s must sign first. You will get an email when it is.", strings.Join(first, ", ")), false
	}
	return nil, false
}

// withLink runs fn on the signer a token belongs to, inside a transaction
// holding the contract's lock, after checking that the link is usable. A
// link found expired marks the contract expired (committed) and refuses.
func (s *Service) withLink(ctx context.Context, token string, fn func(tx *sql.Tx, c *Contract, g *Signer, now time.Time) error) error {
	if token == "" || len(token) > 100 {
		return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "this signing link is not valid"}
	}
	found, err := s.cfg.Store.ContractSignerByToken(ctx, nil, tokenHash(token))
	if err != nil {
		return err
	}
	var refusal error
	var notices []Notice
	err = s.cfg.Store.InTx(ctx, func(tx *sql.Tx) error {
		c, err := s.storeGet(ctx, tx, found.WorkspaceID, found.ContractID)
		if err != nil {
			return err
		}
		var g *Signer
		for _, o := range c.Signers {
			if o.ID == found.ID {
				g = o
			}
		}
		if g == nil {
			return errors.New("contracts: signer vanished from its contract")
		}
		now := s.now()
		if why, expired := usable(c, g, now); why != nil {
			refusal = why
			if expired {
				notices = append(notices, Notice{WorkspaceID: c.WorkspaceID, Name: "contract.expired", ContractID: c.ID})
				return s.expireTx(ctx, tx, c, now)
			}
			return nil
		}
		return fn(tx, c, g, now)
	})
	if err != nil {
		return err
	}
	s.notify(ctx, notices)
	return refusal
}

// Open is a signer opening their link: the first visit is recorded
// (viewed, with address and browser) and the page gets what it shows.
func (s *Service) Open(ctx context.Context, token string, v Visit) (*Session, error) {
	var out *Session
	var notices []Notice
	err := s.withLink(ctx, token, func(tx *sql.Tx, c *Contract, g *Signer, now time.Time) error {
		st, err := s.settingsTx(ctx, tx, c.WorkspaceID)
		if err != nil {
			return err
		}
		if g.ViewedAt == nil {
			g.ViewedAt, g.Status, g.IP, g.UserAgent = &now, SignerViewed, v.IP, v.UserAgent
			if err := s.cfg.Store.ContractSignerUpdate(ctx, tx, g); err != nil {
				return err
			}
			if err := s.event(ctx, tx, c, g, EventViewed, "", "", v, now); err != nil {
				return err
			}
			if c.Status == StatusSent {
				c.Status, c.UpdatedAt = StatusViewed, now
				if err := s.cfg.Store.ContractUpdate(ctx, tx, c); err != nil {
					return err
				}
			}
			notices = append(notices, Notice{WorkspaceID: c.WorkspaceID, Name: "contract.viewed", ContractID: c.ID, SignerID: g.ID})
		}
		// The signer sees the current consent text; its version is what
		// their acceptance records.
		out = &Session{Contract: c, Signer: g, ConsentText: st.ConsentText, ConsentVersion: st.ConsentVersion, Consented: g.ConsentAt != nil}
		for _, f := range c.Fields {
			if f.Role == g.Role {
				out.Fields = append(out.Fields, f)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, notices)
	return out, nil
}

// Consent records the signer's acceptance of the consent text (ESIGN
// 7001(c)): its version, the time, address and browser. The signing form
// is offered only after it.
func (s *Service) Consent(ctx context.Context, token string, accepted bool, v Visit) error {
	if !accepted {
		return crm.Invalid("consent", crm.CodeRequired, "check the box to agree to sign electronically, or decline to sign")
	}
	return s.withLink(ctx, token, func(tx *sql.Tx, c *Contract, g *Signer, now time.Time) error {
		if g.ConsentAt != nil {
			return nil
		}
		st, err := s.settingsTx(ctx, tx, c.WorkspaceID)
		if err != nil {
			return err
		}
		g.ConsentAt, g.ConsentVersion, g.IP, g.UserAgent = &now, st.ConsentVersion, v.IP, v.UserAgent
		if err := s.cfg.Store.ContractSignerUpdate(ctx, tx, g); err != nil {
			return err
		}
		return s.event(ctx, tx, c, g, EventConsented, "", "consent text version "+st.ConsentVersion, v, now)
	})
}

// SignInput is what a signer submits.
type SignInput struct {
	// Values by field ID: a signature or initials as a PNG data URL
	// (drawn) or text (typed); a checkbox as "true"; text as text. Date
	// signed fields are filled by Roster.
	Values map[string]string
	// Intent is the explicit "Sign" action: the signer confirmed they
	// sign this document.
	Intent bool
}

// Limits of what a signer submits.
const (
	maxSignatureImage = 400_000 // bytes of data URL
	maxTextValue      = 500
)

// Sign records a signer's signature. When it was the last one the
// contract completes in the same transaction: values stamped, audit
// certificate appended, the PDF sealed, the opportunity moved. If sealing
// fails nothing is recorded and the signer sees the error: a contract is
// never left looking signed without its sealed document.
func (s *Service) Sign(ctx context.Context, token string, in SignInput, v Visit) (*Contract, error) {
	var out *Contract
	var invites []invite
	var notices []Notice
	err := s.withLink(ctx, token, func(tx *sql.Tx, c *Contract, g *Signer, now time.Time) error {
		if g.ConsentAt == nil {
			return crm.Invalid("consent", crm.CodeRequired, "agree to sign electronically first")
		}
		if !in.Intent {
			return crm.Invalid("intent", crm.CodeRequired, "confirm that you sign this document")
		}
		values, method, err := checkValues(c, g, in.Values)
		if err != nil {
			return err
		}
		g.Values, g.SignatureMethod = values, method
		g.SignedAt, g.TokenUsedAt, g.Status, g.IP, g.UserAgent = &now, &now, SignerSigned, v.IP, v.UserAgent
		if err := s.cfg.Store.ContractSignerUpdate(ctx, tx, g); err != nil {
			return err
		}
		if err := s.event(ctx, tx, c, g, EventSigned, "", method+" signature; intent to sign confirmed", v, now); err != nil {
			return err
		}
		done := true
		for _, o := range c.Signers {
			if o.Status != SignerSigned {
				done = false
			}
		}
		if done {
			notices = append(notices, Notice{WorkspaceID: c.WorkspaceID, Name: "contract.signed", ContractID: c.ID, SignerID: g.ID})
			out = c
			return s.complete(ctx, tx, c, nil, now)
		}
		c.Status, c.UpdatedAt = StatusPartiallySigned, now
		if err := s.cfg.Store.ContractUpdate(ctx, tx, c); err != nil {
			return err
		}
		if invites, err = s.inviteNext(ctx, tx, c, now); err != nil {
			return err
		}
		out = c
		return s.timeline(ctx, tx, c, "partially signed", crm.Actor{}, now)
	})
	if err != nil {
		return nil, err
	}
	s.mailInvites(ctx, out, invites, false)
	s.notify(ctx, notices)
	return out, nil
}

// checkValues validates a signer's values against their role's fields.
func checkValues(c *Contract, g *Signer, in map[string]string) (map[string]string, string, error) {
	out := map[string]string{}
	method := ""
	for _, f := range c.Fields {
		if f.Role != g.Role {
			continue
		}
		path := "values." + f.ID
		v := strings.TrimSpace(in[f.ID])
		switch f.Type {
		case FieldDateSigned:
			continue
		case FieldSignature, FieldInitials:
			if v == "" {
				if f.Required {
					return nil, "", crm.Invalid(path, crm.CodeRequired, "%s is required: draw it or type it", f.Label)
				}
				continue
			}
			m := "typed"
			if strings.HasPrefix(v, "data:") {
				if len(v) > maxSignatureImage {
					return nil, "", crm.Invalid(path, crm.CodeInvalidValue, "%s: the drawing is too large", f.Label)
				}
				if _, ok := pngData(v); !ok {
					return nil, "", crm.Invalid(path, crm.CodeInvalidValue, "%s: a drawn signature must be a PNG image", f.Label)
				}
				m = "drawn"
			} else if utf8.RuneCountInString(v) > 100 {
				return nil, "", crm.Invalid(path, crm.CodeInvalidValue, "%s: at most 100 characters", f.Label)
			}
			if f.Type == FieldSignature {
				method = m
			}
		case FieldCheckbox:
			if v != "" && v != "true" {
				return nil, "", crm.Invalid(path, crm.CodeInvalidValue, "%s: a checkbox is \"true\" or empty", f.Label)
			}
			if v == "" && f.Required {
				return nil, "", crm.Invalid(path, crm.CodeRequired, "%s must be checked", f.Label)
			}
		default:
			if v == "" && f.Required {
				return nil, "", crm.Invalid(path, crm.CodeRequired, "%s is required", f.Label)
			}
			if utf8.RuneCountInString(v) > maxTextValue {
				return nil, "", crm.Invalid(path, crm.CodeInvalidValue, "%s: at most %d characters", f.Label, maxTextValue)
			}
		}
		if v != "" {
			out[f.ID] = v
		}
	}
	if method == "" {
		method = "typed"
	}
	return out, method, nil
}

// Decline records a signer declining with a reason; the contract is
// declined and no one else can sign.
func (s *Service) Decline(ctx context.Context, token, reason string, v Visit) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return crm.Invalid("reason", crm.CodeRequired, "say why you decline, so the sender knows")
	}
	if utf8.RuneCountInString(reason) > 1000 {
		return crm.Invalid("reason", crm.CodeInvalidValue, "must be at most 1000 characters")
	}
	var notices []Notice
	err := s.withLink(ctx, token, func(tx *sql.Tx, c *Contract, g *Signer, now time.Time) error {
		g.Status, g.DeclinedAt, g.DeclineReason, g.TokenUsedAt, g.IP, g.UserAgent = SignerDeclined, &now, reason, &now, v.IP, v.UserAgent
		if err := s.cfg.Store.ContractSignerUpdate(ctx, tx, g); err != nil {
			return err
		}
		c.Status, c.UpdatedAt = StatusDeclined, now
		if err := s.cfg.Store.ContractUpdate(ctx, tx, c); err != nil {
			return err
		}
		if err := s.event(ctx, tx, c, g, EventDeclined, "", "reason: "+reason, v, now); err != nil {
			return err
		}
		notices = append(notices, Notice{WorkspaceID: c.WorkspaceID, Name: "contract.declined", ContractID: c.ID, SignerID: g.ID})
		return s.timeline(ctx, tx, c, "declined", crm.Actor{}, now)
	})
	if err != nil {
		return err
	}
	s.notify(ctx, notices)
	return nil
}

// SignerURL returns a signer's link for an admin: only while the signer
// can still use it (pending, contract open), never once used.
func (s *Service) SignerURL(c *Contract, g *Signer) (*string, error) {
	if c.Provider != ProviderBuiltin || !open(c.Status) || g.TokenSealed == "" || g.TokenUsedAt != nil ||
		g.Status == SignerSigned || g.Status == SignerDeclined {
		return nil, nil
	}
	token, err := s.token(g)
	if err != nil {
		return nil, err
	}
	u := s.SigningURL(token)
	return &u, nil
}

// expireTx marks an open contract expired.
func (s *Service) expireTx(ctx context.Context, tx *sql.Tx, c *Contract, now time.Time) error {
	c.Status, c.UpdatedAt = StatusExpired, now
	if err := s.cfg.Store.ContractUpdate(ctx, tx, c); err != nil {
		return err
	}
	if err := s.event(ctx, tx, c, nil, EventExpired, "Roster", "expired "+c.ExpiresAt.UTC().Format(time.RFC3339), Visit{}, now); err != nil {
		return err
	}
	return s.timeline(ctx, tx, c, "expired", crm.Actor{}, now)
}

// Document returns the original PDF to a signer whose link is usable, so
// they can read exactly what they sign.
func (s *Service) Document(ctx context.Context, token string) (*Attachment, error) {
	var ws, id string
	err := s.withLink(ctx, token, func(tx *sql.Tx, c *Contract, g *Signer, now time.Time) error {
		if c.OriginalAttachmentID == nil {
			return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "this contract has no document"}
		}
		ws, id = c.WorkspaceID, *c.OriginalAttachmentID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.cfg.Store.AttachmentGet(ctx, ws, id)
}
