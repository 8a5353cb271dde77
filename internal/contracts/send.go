package contracts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// Limits of sending.
const (
	MaxSigners           = 20
	DefaultExpiresInDays = 30
	MaxExpiresInDays     = 365
	MaxMessage           = 5000
)

// SignerInput is one signer of sendContract.
type SignerInput struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Role  string `json:"role"`
	// Order defaults to the role's order in the template.
	Order int `json:"order"`
}

// SendInput is sendContract's input.
type SendInput struct {
	TemplateID    string
	PersonID      *string
	OpportunityID *string
	CompanyID     *string
	// Signers default to the person (the opportunity's point of contact)
	// in the template's first role when the template has one role.
	Signers []SignerInput
	// Provider defaults to the workspace's setting.
	Provider      string
	ExpiresInDays *int
	Message       string
	Actor         crm.Actor
	// IdempotencyKey, when set, makes Send return the contract an earlier
	// Send with the same key made instead of sending again (a workflow
	// step retried after a crash).
	IdempotencyKey string
}

// Send merges the template with the records, renders and hashes the PDF,
// stores the contract and invites the first signers. Nothing in the
// document changes after this: completion re-renders the same text with
// the values stamped in.
func (s *Service) Send(ctx context.Context, workspaceID string, in SendInput) (*Contract, error) {
	if in.IdempotencyKey != "" {
		if c, err := s.cfg.Store.ContractByIdempotencyKey(ctx, workspaceID, in.IdempotencyKey); err != nil || c != nil {
			return c, err
		}
	}
	st, err := s.settingsTx(ctx, nil, workspaceID)
	if err != nil {
		return nil, err
	}
	provider := in.Provider
	if provider == "" {
		provider = st.Provider
	}
	if !slices.Contains(Providers, provider) {
		return nil, crm.Invalid("provider", crm.CodeInvalidEnum, "provider %q is not one of %s", provider, strings.Join(Providers, ", "))
	}
	if provider != ProviderBuiltin && s.cfg.Providers[provider] == nil {
		return nil, crm.Invalid("provider", crm.CodeInvalidValue, "provider %q is not configured on this server", provider)
	}
	if in.TemplateID == "" {
		return nil, crm.Invalid("templateId", crm.CodeRequired, "is required")
	}
	t, err := s.cfg.Store.ContractTemplateGet(ctx, nil, workspaceID, in.TemplateID, 0)
	if err != nil {
		if e, ok := crm.AsError(err); ok && e.Cause == crm.ErrNotFound {
			return nil, crm.Invalid("templateId", crm.CodeNotFound, "%s", e.Message)
		}
		return nil, err
	}
	days := DefaultExpiresInDays
	if in.ExpiresInDays != nil {
		days = *in.ExpiresInDays
	}
	if days < 1 || days > MaxExpiresInDays {
		return nil, crm.Invalid("expiresInDays", crm.CodeInvalidValue, "must be from 1 to %d", MaxExpiresInDays)
	}
	if utf8.RuneCountInString(in.Message) > MaxMessage {
		return nil, crm.Invalid("message", crm.CodeInvalidValue, "must be at most %d characters", MaxMessage)
	}
	ids := &RecordIDs{PersonID: blank(in.PersonID), CompanyID: blank(in.CompanyID), OpportunityID: blank(in.OpportunityID)}
	if ids.PersonID == nil && ids.OpportunityID == nil {
		return nil, crm.Invalid("personId", crm.CodeRequired, "a contract is sent from a person or an opportunity: set personId or opportunityId")
	}
	data, err := s.mergeData(ctx, workspaceID, ids)
	if err != nil {
		return nil, err
	}
	now := s.now()
	signers := in.Signers
	if len(signers) == 0 && len(t.SignerRoles) == 1 {
		if p, ok := data["person"].(map[string]any); ok {
			name := display(p["name"])
			email := display(p["emails"])
			signers = []SignerInput{{Name: name, Email: email, Role: t.SignerRoles[0].Role}}
		}
	}
	c := &Contract{
		ID: crm.NewID(), WorkspaceID: workspaceID, Name: t.Name, TemplateID: &t.ID, TemplateVersion: t.Version,
		Status: StatusSent, Provider: provider, PersonID: ids.PersonID, CompanyID: ids.CompanyID, OpportunityID: ids.OpportunityID,
		Message: in.Message, Document: merge(t.Body, data, now), Fields: t.Fields, ConsentVersion: st.ConsentVersion,
		SentAt: &now, CreatedAt: now, UpdatedAt: now,
	}
	if in.IdempotencyKey != "" {
		c.IdempotencyKey = &in.IdempotencyKey
	}
	expires := now.Add(time.Duration(days) * 24 * time.Hour)
	c.ExpiresAt = &expires
	if c.Signers, err = checkSigners(t, c, signers); err != nil {
		return nil, err
	}
	original, err := render(document{c: c, date: now})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(original)
	c.OriginalSHA256 = hex.EncodeToString(sum[:])
	if provider == ProviderBuiltin {
		if err := s.issueTokens(c); err != nil {
			return nil, err
		}
	} else {
		res, err := s.cfg.Providers[provider].Send(ctx, &SendRequest{Contract: c, PDF: original, Subject: "Please sign: " + c.Name,
			Message: c.Message, CallbackURL: s.cfg.BaseURL + "/webhooks/esign/" + provider + "/" + workspaceID})
		if err != nil {
			return nil, fmt.Errorf("contracts: send with %s: %w", provider, err)
		}
		c.ProviderRequestID = &res.RequestID
		for i, g := range c.Signers {
			if i < len(res.SignerIDs) {
				g.ProviderSignerID = res.SignerIDs[i]
			}
			g.Status, g.SentAt = SignerSent, &now
		}
	}
	var invites []invite
	err = s.cfg.Store.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.cfg.Store.ContractTemplateMarkUsed(ctx, tx, workspaceID, t.ID, t.Version); err != nil {
			return err
		}
		att := &Attachment{ID: crm.NewID(), WorkspaceID: workspaceID, Name: fileName(c.Name, "original"), FileType: "application/pdf",
			Size: int64(len(original)), SHA256: c.OriginalSHA256, Content: original, ContractID: &c.ID, CreatedAt: now}
		c.OriginalAttachmentID = &att.ID
		if err := s.cfg.Store.ContractInsert(ctx, tx, c); err != nil {
			return err
		}
		if err := s.cfg.Store.AttachmentInsert(ctx, tx, att); err != nil {
			return err
		}
		actor := in.Actor.Name
		if err := s.event(ctx, tx, c, nil, EventCreated, actor, fmt.Sprintf("from template %q version %d; original SHA-256 %s", t.Name, t.Version, c.OriginalSHA256), Visit{}, now); err != nil {
			return err
		}
		if err := s.event(ctx, tx, c, nil, EventSent, actor, fmt.Sprintf("with %s, expires %s", provider, expires.Format(time.RFC3339)), Visit{}, now); err != nil {
			return err
		}
		if provider == ProviderBuiltin {
			if invites, err = s.inviteNext(ctx, tx, c, now); err != nil {
				return err
			}
		}
		return s.timeline(ctx, tx, c, "sent", in.Actor, now)
	})
	if _, dup := store.IsUniqueViolation(err); dup && in.IdempotencyKey != "" {
		// A concurrent Send with the same key won.
		return s.cfg.Store.ContractByIdempotencyKey(ctx, workspaceID, in.IdempotencyKey)
	}
	if err != nil {
		return nil, err
	}
	s.mailInvites(ctx, c, invites, false)
	s.notify(ctx, []Notice{{WorkspaceID: workspaceID, Name: "contract.sent", ContractID: c.ID}})
	return c, nil
}

func blank(p *string) *string {
	if p == nil || strings.TrimSpace(*p) == "" {
		return nil
	}
	v := strings.TrimSpace(*p)
	return &v
}

// checkSigners validates the signers against the template's roles: every
// role has at least one signer, every signer a known role.
func checkSigners(t *Template, c *Contract, in []SignerInput) ([]*Signer, error) {
	if len(in) == 0 {
		return nil, crm.Invalid("signers", crm.CodeRequired, "at least one signer is required")
	}
	if len(in) > MaxSigners {
		return nil, crm.Invalid("signers", crm.CodeInvalidValue, "at most %d signers", MaxSigners)
	}
	roleOrder := map[string]int{}
	for _, r := range t.SignerRoles {
		roleOrder[r.Role] = r.Order
	}
	filled := map[string]bool{}
	seen := map[string]bool{}
	out := make([]*Signer, 0, len(in))
	for i, g := range in {
		path := fmt.Sprintf("signers[%d]", i)
		name := strings.TrimSpace(g.Name)
		if name == "" || utf8.RuneCountInString(name) > 200 {
			return nil, crm.Invalid(path+".name", crm.CodeRequired, "a signer needs a name of at most 200 characters")
		}
		addr, err := mail.ParseAddress(strings.TrimSpace(g.Email))
		if err != nil || !strings.Contains(addr.Address, "@") {
			return nil, crm.Invalid(path+".email", crm.CodeInvalidValue, "%q is not an email address", g.Email)
		}
		email := strings.ToLower(addr.Address)
		order, ok := roleOrder[g.Role]
		if !ok {
			roles := make([]string, 0, len(t.SignerRoles))
			for _, r := range t.SignerRoles {
				roles = append(roles, r.Role)
			}
			return nil, crm.Invalid(path+".role", crm.CodeInvalidEnum, "role %q is not one of the template's roles (%s)", g.Role, strings.Join(roles, ", "))
		}
		if seen[g.Role+"\x00"+email] {
			return nil, crm.Invalid(path+".email", crm.CodeDuplicate, "%s signs as %s twice", email, g.Role)
		}
		seen[g.Role+"\x00"+email] = true
		if g.Order != 0 {
			if g.Order < 1 || g.Order > 100 {
				return nil, crm.Invalid(path+".order", crm.CodeInvalidValue, "order must be from 1 to 100")
			}
			order = g.Order
		}
		filled[g.Role] = true
		out = append(out, &Signer{ID: crm.NewID(), WorkspaceID: c.WorkspaceID, ContractID: c.ID, Name: name, Email: email,
			Role: g.Role, Order: order, Status: SignerPending, Values: map[string]string{}})
	}
	for _, r := range t.SignerRoles {
		if !filled[r.Role] {
			return nil, crm.Invalid("signers", crm.CodeRequired, "role %q has no signer", r.Role)
		}
	}
	slices.SortStableFunc(out, func(a, b *Signer) int { return a.Order - b.Order })
	return out, nil
}

// invite is a link to email once the transaction commits.
type invite struct {
	signer *Signer
	token  string
}

// issueTokens gives every signer a link when the contract is sent. Links
// of later orders exist from the start but are refused until their turn
// (an early link), so an admin can hand one over without breaking order.
func (s *Service) issueTokens(c *Contract) error {
	for _, g := range c.Signers {
		token, err := newToken()
		if err != nil {
			return err
		}
		h := tokenHash(token)
		sealed, err := s.cfg.Sealer.Seal([]byte(token), tokenAD(g))
		if err != nil {
			return fmt.Errorf("contracts: seal signing link: %w", err)
		}
		g.TokenHash, g.TokenSealed = &h, sealed
	}
	return nil
}

// token opens a signer's sealed link token.
func (s *Service) token(g *Signer) (string, error) {
	b, err := s.cfg.Sealer.Open(g.TokenSealed, tokenAD(g))
	if err != nil {
		return "", fmt.Errorf("contracts: open signing link: %w", err)
	}
	return string(b), nil
}

// inviteNext invites every signer of the lowest order not yet signed,
// unless that order is already invited: order N+1 is invited only when all
// of order N signed.
func (s *Service) inviteNext(ctx context.Context, tx *sql.Tx, c *Contract, now time.Time) ([]invite, error) {
	next := 0
	for _, g := range c.Signers {
		if g.Status != SignerSigned {
			next = g.Order
			break
		}
	}
	if next == 0 {
		return nil, nil
	}
	var out []invite
	for _, g := range c.Signers {
		if g.Order != next || g.Status != SignerPending {
			continue
		}
		token, err := s.token(g)
		if err != nil {
			return nil, err
		}
		g.Status, g.SentAt = SignerSent, &now
		if err := s.cfg.Store.ContractSignerUpdate(ctx, tx, g); err != nil {
			return nil, err
		}
		if err := s.event(ctx, tx, c, g, EventInvited, "", "signing link emailed to "+g.Email, Visit{}, now); err != nil {
			return nil, err
		}
		out = append(out, invite{signer: g, token: token})
	}
	return out, nil
}

// newToken is a signing link's secret: 32 random bytes, URL-safe.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("contracts: token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// tokenHash is how a token is found: only its SHA-256 is searchable.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func tokenAD(g *Signer) []byte { return []byte("contract_signers.token:" + g.WorkspaceID + ":" + g.ID) }

// SigningURL is the public link of a token.
func (s *Service) SigningURL(token string) string { return s.cfg.BaseURL + "/sign/" + token }

// fileName is a download name for a contract's PDF.
func fileName(name, kind string) string {
	base := slug(name)
	if base == "" {
		base = "contract"
	}
	return base + "-" + kind + ".pdf"
}

// timeline puts a contract change on its person's, company's and
// opportunity's timelines.
func (s *Service) timeline(ctx context.Context, tx *sql.Tx, c *Contract, kind string, actor crm.Actor, at time.Time) error {
	if actor.Source == "" {
		actor = crm.Actor{Source: crm.SourceSystem, Name: "Contracts"}
	}
	var acts []*crm.TimelineActivity
	for _, r := range []struct {
		o  crm.ObjectName
		id *string
	}{{crm.ObjectPerson, c.PersonID}, {crm.ObjectCompany, c.CompanyID}, {crm.ObjectOpportunity, c.OpportunityID}} {
		if r.id == nil {
			continue
		}
		acts = append(acts, &crm.TimelineActivity{
			WorkspaceID: c.WorkspaceID, HappensAt: at, Name: "contract." + kind, RecordObject: r.o, RecordID: *r.id, Actor: actor,
			Properties: map[string]any{"text": "Contract " + kind + ": " + c.Name, "contractId": c.ID, "status": c.Status},
		})
	}
	if len(acts) == 0 {
		return nil
	}
	return s.cfg.Records.AddActivitiesTx(ctx, tx, acts)
}

// storeGet reads a contract inside tx with its row lock.
func (s *Service) storeGet(ctx context.Context, tx *sql.Tx, workspaceID, id string) (*Contract, error) {
	return s.cfg.Store.ContractGet(ctx, tx, &store.ContractGetParams{WorkspaceID: workspaceID, ID: id, Lock: true})
}
