package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// Contract is a document sent for signature. Document is the merged text it
// was sent with; it never changes after sending.
type Contract struct {
	ID                   string
	WorkspaceID          string
	Name                 string
	TemplateID           *string
	TemplateVersion      int
	Status               string
	Provider             string
	ProviderRequestID    *string
	PersonID             *string
	CompanyID            *string
	OpportunityID        *string
	Message              string
	Document             string
	Fields               []ContractField
	ConsentVersion       string
	OriginalSHA256       string
	FinalSHA256          string
	OriginalAttachmentID *string
	SignedAttachmentID   *string
	VoidReason           string
	// StageMoved is set by the completion that moved the opportunity, so a
	// second completion event moves nothing.
	StageMoved bool
	// IdempotencyKey, when set, makes a second send with the same key find
	// this contract (workflow steps).
	IdempotencyKey *string
	SentAt         *time.Time
	CompletedAt    *time.Time
	ExpiresAt      *time.Time
	LastRemindedAt *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// Signers are in signing order.
	Signers []*ContractSigner
}

// ContractSigner is one person who signs a contract. TokenHash finds the
// signer from a link; TokenSealed is the link's token sealed for admins.
type ContractSigner struct {
	ID               string
	WorkspaceID      string
	ContractID       string
	Name             string
	Email            string
	Role             string
	Order            int
	Status           string
	ProviderSignerID string
	TokenHash        *string
	TokenSealed      string
	TokenUsedAt      *time.Time
	ConsentVersion   string
	ConsentAt        *time.Time
	SignatureMethod  string
	// Values are the signer's field values by field ID; a signature or
	// initials field holds a PNG data URL (drawn) or the typed text.
	Values        map[string]string
	SentAt        *time.Time
	ViewedAt      *time.Time
	SignedAt      *time.Time
	DeclinedAt    *time.Time
	DeclineReason string
	IP            string
	UserAgent     string
}

// ContractEvent is one entry of a contract's audit trail.
type ContractEvent struct {
	ID          string
	WorkspaceID string
	ContractID  string
	SignerID    *string
	Type        string
	At          time.Time
	Actor       string
	IP          string
	UserAgent   string
	Detail      string
}

func contractNotFound(id string) error {
	return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: fmt.Sprintf("contract %q not found", id)}
}

const contractColumns = `id, workspace_id, name, template_id, template_version, status, provider, provider_request_id, person_id, company_id,
opportunity_id, message, document, fields, consent_version, original_sha256, final_sha256, original_attachment_id, signed_attachment_id,
void_reason, stage_moved, idempotency_key, sent_at, completed_at, expires_at, last_reminded_at, created_at, updated_at`

func scanContract(sc rowScanner) (*Contract, error) {
	c := &Contract{}
	err := sc.Scan(&c.ID, &c.WorkspaceID, &c.Name, &c.TemplateID, &c.TemplateVersion, &c.Status, &c.Provider, &c.ProviderRequestID,
		&c.PersonID, &c.CompanyID, &c.OpportunityID, &c.Message, &c.Document, jsonScanner{&c.Fields}, &c.ConsentVersion,
		&c.OriginalSHA256, &c.FinalSHA256, &c.OriginalAttachmentID, &c.SignedAttachmentID, &c.VoidReason, &c.StageMoved, &c.IdempotencyKey,
		NullTimeScanner{&c.SentAt}, NullTimeScanner{&c.CompletedAt}, NullTimeScanner{&c.ExpiresAt}, NullTimeScanner{&c.LastRemindedAt},
		TimeScanner{&c.CreatedAt}, TimeScanner{&c.UpdatedAt})
	return c, err
}

const signerColumns = `id, workspace_id, contract_id, name, email, role, signing_order, status, provider_signer_id, token_hash, token_sealed,
token_used_at, consent_version, consent_at, signature_method, field_values, sent_at, viewed_at, signed_at, declined_at, decline_reason, ip, user_agent`

func scanSigner(sc rowScanner) (*ContractSigner, error) {
	g := &ContractSigner{}
	err := sc.Scan(&g.ID, &g.WorkspaceID, &g.ContractID, &g.Name, &g.Email, &g.Role, &g.Order, &g.Status, &g.ProviderSignerID,
		&g.TokenHash, &g.TokenSealed, NullTimeScanner{&g.TokenUsedAt}, &g.ConsentVersion, NullTimeScanner{&g.ConsentAt},
		&g.SignatureMethod, jsonScanner{&g.Values}, NullTimeScanner{&g.SentAt}, NullTimeScanner{&g.ViewedAt},
		NullTimeScanner{&g.SignedAt}, NullTimeScanner{&g.DeclinedAt}, &g.DeclineReason, &g.IP, &g.UserAgent)
	if g.Values == nil {
		g.Values = map[string]string{}
	}
	return g, err
}

func (s *Store) contractArgs(c *Contract) ([]any, error) {
	fields, err := json.Marshal(c.Fields)
	if err != nil {
		return nil, err
	}
	d := s.Dialect
	return []any{c.ID, c.WorkspaceID, c.Name, c.TemplateID, c.TemplateVersion, c.Status, c.Provider, c.ProviderRequestID,
		c.PersonID, c.CompanyID, c.OpportunityID, c.Message, c.Document, string(fields), c.ConsentVersion,
		c.OriginalSHA256, c.FinalSHA256, c.OriginalAttachmentID, c.SignedAttachmentID, c.VoidReason, c.StageMoved, c.IdempotencyKey,
		d.NullTime(c.SentAt), d.NullTime(c.CompletedAt), d.NullTime(c.ExpiresAt), d.NullTime(c.LastRemindedAt),
		d.Time(c.CreatedAt), d.Time(c.UpdatedAt)}, nil
}

func (s *Store) signerArgs(g *ContractSigner) ([]any, error) {
	values, err := json.Marshal(g.Values)
	if err != nil {
		return nil, err
	}
	if g.Values == nil {
		values = []byte("{}")
	}
	d := s.Dialect
	return []any{g.ID, g.WorkspaceID, g.ContractID, g.Name, g.Email, g.Role, g.Order, g.Status, g.ProviderSignerID,
		g.TokenHash, g.TokenSealed, d.NullTime(g.TokenUsedAt), g.ConsentVersion, d.NullTime(g.ConsentAt), g.SignatureMethod,
		string(values), d.NullTime(g.SentAt), d.NullTime(g.ViewedAt), d.NullTime(g.SignedAt), d.NullTime(g.DeclinedAt),
		g.DeclineReason, g.IP, g.UserAgent}, nil
}

// ContractInsert stores a new contract with its signers.
func (s *Store) ContractInsert(ctx context.Context, tx *sql.Tx, c *Contract) error {
	args, err := s.contractArgs(c)
	if err != nil {
		return fmt.Errorf("store: insert contract: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO contracts (`+contractColumns+`) VALUES (`+placeholders(1, len(args))+`)`, args...); err != nil {
		return fmt.Errorf("store: insert contract: %w", err)
	}
	for _, g := range c.Signers {
		args, err := s.signerArgs(g)
		if err != nil {
			return fmt.Errorf("store: insert contract signer: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO contract_signers (`+signerColumns+`) VALUES (`+placeholders(1, len(args))+`)`, args...); err != nil {
			return fmt.Errorf("store: insert contract signer: %w", err)
		}
	}
	return nil
}

// ContractUpdate writes every column of a contract but its identity.
func (s *Store) ContractUpdate(ctx context.Context, tx *sql.Tx, c *Contract) error {
	args, err := s.contractArgs(c)
	if err != nil {
		return fmt.Errorf("store: update contract: %w", err)
	}
	cols := strings.Split(strings.ReplaceAll(contractColumns, "\n", " "), ",")
	sets := make([]string, 0, len(cols))
	for i, col := range cols[2:] {
		sets = append(sets, fmt.Sprintf("%s = $%d", strings.TrimSpace(col), i+3))
	}
	res, err := tx.ExecContext(ctx, `UPDATE contracts SET `+strings.Join(sets, ", ")+` WHERE id = $1 AND workspace_id = $2`, args...)
	if err != nil {
		return fmt.Errorf("store: update contract: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return contractNotFound(c.ID)
	}
	return nil
}

// ContractSignerUpdate writes every column of a signer but its identity.
func (s *Store) ContractSignerUpdate(ctx context.Context, tx *sql.Tx, g *ContractSigner) error {
	args, err := s.signerArgs(g)
	if err != nil {
		return fmt.Errorf("store: update contract signer: %w", err)
	}
	cols := strings.Split(strings.ReplaceAll(signerColumns, "\n", " "), ",")
	sets := make([]string, 0, len(cols))
	for i, col := range cols[2:] {
		sets = append(sets, fmt.Sprintf("%s = $%d", strings.TrimSpace(col), i+3))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE contract_signers SET `+strings.Join(sets, ", ")+` WHERE id = $1 AND workspace_id = $2`, args...); err != nil {
		return fmt.Errorf("store: update contract signer: %w", err)
	}
	return nil
}

// ContractGetParams select one contract.
type ContractGetParams struct {
	WorkspaceID string
	ID          string
	// Lock takes the contract's row lock (PostgreSQL) so that concurrent
	// changes to one contract (two signers, duplicate provider events)
	// apply one after the other; SQLite's single writer already does.
	Lock bool
}

// ContractGet returns a contract with its signers, or crm.ErrNotFound (also
// for another workspace's contract). q may be a transaction.
func (s *Store) ContractGet(ctx context.Context, q Querier, p *ContractGetParams) (*Contract, error) {
	if q == nil {
		q = s.Read
	}
	query := `SELECT ` + contractColumns + ` FROM contracts WHERE workspace_id = $1 AND id = $2`
	if p.Lock && s.Dialect == Postgres {
		query += ` FOR UPDATE`
	}
	c, err := scanContract(q.QueryRowContext(ctx, query, p.WorkspaceID, p.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contractNotFound(p.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get contract: %w", err)
	}
	if err := s.loadSigners(ctx, q, []*Contract{c}); err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Store) loadSigners(ctx context.Context, q Querier, cs []*Contract) error {
	if len(cs) == 0 {
		return nil
	}
	byID := make(map[string]*Contract, len(cs))
	ids := make([]string, 0, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
		ids = append(ids, c.ID)
	}
	args, in := inWorkspace(cs[0].WorkspaceID, ids)
	signers, err := queryList(ctx, q, "list contract signers", scanSigner,
		`SELECT `+signerColumns+` FROM contract_signers WHERE workspace_id = $1 AND contract_id IN (`+in+`) ORDER BY signing_order, id`, args...)
	if err != nil {
		return err
	}
	for _, g := range signers {
		byID[g.ContractID].Signers = append(byID[g.ContractID].Signers, g)
	}
	return nil
}

// ContractListParams select a page of contracts, newest first.
type ContractListParams struct {
	WorkspaceID   string
	Statuses      []string
	PersonID      string
	CompanyID     string
	OpportunityID string
	// Before is the ID of the last contract of the previous page (IDs are
	// time-ordered).
	Before string
	Limit  int
}

// ContractList returns contracts with their signers.
func (s *Store) ContractList(ctx context.Context, p *ContractListParams) ([]*Contract, error) {
	args := []any{p.WorkspaceID}
	q := `SELECT ` + contractColumns + ` FROM contracts WHERE workspace_id = $1`
	if len(p.Statuses) > 0 {
		q += ` AND status IN (` + bindList(&args, p.Statuses) + `)`
	}
	add := func(cond, v string) {
		if v != "" {
			args = append(args, v)
			q += fmt.Sprintf(" AND "+cond, len(args))
		}
	}
	add("person_id = $%d", p.PersonID)
	add("company_id = $%d", p.CompanyID)
	add("opportunity_id = $%d", p.OpportunityID)
	add("id < $%d", p.Before)
	q += ` ORDER BY id DESC`
	if p.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, p.Limit)
	}
	cs, err := queryList(ctx, s.Read, "list contracts", scanContract, q, args...)
	if err != nil {
		return nil, err
	}
	if err := s.loadSigners(ctx, s.Read, cs); err != nil {
		return nil, err
	}
	return cs, nil
}

// ContractSignerByToken finds the signer a link's token hash belongs to,
// in any workspace: the link is the signer's only credential, and its hash
// is unique. It returns crm.ErrNotFound for an unknown token.
func (s *Store) ContractSignerByToken(ctx context.Context, q Querier, tokenHash string) (*ContractSigner, error) {
	if q == nil {
		q = s.Read
	}
	g, err := scanSigner(q.QueryRowContext(ctx, `SELECT `+signerColumns+` FROM contract_signers WHERE token_hash = $1`, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "this signing link is not valid"}
	}
	if err != nil {
		return nil, fmt.Errorf("store: find contract signer: %w", err)
	}
	return g, nil
}

// ContractByProviderRequest finds the contract a provider's request ID
// belongs to in a workspace, or crm.ErrNotFound.
func (s *Store) ContractByProviderRequest(ctx context.Context, q Querier, workspaceID, provider, requestID string) (string, error) {
	if q == nil {
		q = s.Read
	}
	var id string
	err := q.QueryRowContext(ctx, `SELECT id FROM contracts WHERE workspace_id = $1 AND provider = $2 AND provider_request_id = $3`,
		workspaceID, provider, requestID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", contractNotFound(requestID)
	}
	if err != nil {
		return "", fmt.Errorf("store: find contract by provider request: %w", err)
	}
	return id, nil
}

// ContractRef names one contract of one workspace.
type ContractRef struct {
	WorkspaceID string
	ID          string
}

// ContractsOpen returns the contracts of every workspace still out for
// signature, for the periodic expiry and reminder job.
func (s *Store) ContractsOpen(ctx context.Context) ([]ContractRef, error) {
	return queryList(ctx, s.Read, "list open contracts", func(sc rowScanner) (ContractRef, error) {
		var r ContractRef
		err := sc.Scan(&r.WorkspaceID, &r.ID)
		return r, err
	}, `SELECT workspace_id, id FROM contracts WHERE status IN ('SENT', 'VIEWED', 'PARTIALLY_SIGNED') ORDER BY workspace_id, id`)
}

// ContractEventInsert appends to a contract's audit trail.
func (s *Store) ContractEventInsert(ctx context.Context, tx *sql.Tx, e *ContractEvent) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO contract_events (id, workspace_id, contract_id, signer_id, type, at, actor, ip, user_agent, detail)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, e.ID, e.WorkspaceID, e.ContractID, e.SignerID, e.Type, s.Dialect.Time(e.At),
		e.Actor, e.IP, e.UserAgent, e.Detail)
	if err != nil {
		return fmt.Errorf("store: insert contract event: %w", err)
	}
	return nil
}

// ContractEvents returns a contract's audit trail, oldest first. q may be a
// transaction.
func (s *Store) ContractEvents(ctx context.Context, q Querier, workspaceID, contractID string) ([]*ContractEvent, error) {
	if q == nil {
		q = s.Read
	}
	return queryList(ctx, q, "list contract events", func(sc rowScanner) (*ContractEvent, error) {
		e := &ContractEvent{}
		err := sc.Scan(&e.ID, &e.WorkspaceID, &e.ContractID, &e.SignerID, &e.Type, TimeScanner{&e.At}, &e.Actor, &e.IP, &e.UserAgent, &e.Detail)
		return e, err
	}, `SELECT id, workspace_id, contract_id, signer_id, type, at, actor, ip, user_agent, detail FROM contract_events
WHERE workspace_id = $1 AND contract_id = $2 ORDER BY at, id`, workspaceID, contractID)
}

// ContractByFinalSHA finds the signed contract whose sealed PDF has this
// SHA-256, in any workspace (the public verification page: whoever holds
// the whole file may learn that it is a sealed contract), or nil.
func (s *Store) ContractByFinalSHA(ctx context.Context, sha string) (*Contract, error) {
	c, err := scanContract(s.Read.QueryRowContext(ctx, `SELECT `+contractColumns+` FROM contracts WHERE final_sha256 = $1 AND final_sha256 <> ''`, sha))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: find contract by final hash: %w", err)
	}
	return c, nil
}

// ContractByIdempotencyKey returns the contract sent with this key, or nil.
func (s *Store) ContractByIdempotencyKey(ctx context.Context, workspaceID, key string) (*Contract, error) {
	var id string
	err := s.Read.QueryRowContext(ctx, `SELECT id FROM contracts WHERE workspace_id = $1 AND idempotency_key = $2`, workspaceID, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: find contract by idempotency key: %w", err)
	}
	return s.ContractGet(ctx, nil, &ContractGetParams{WorkspaceID: workspaceID, ID: id})
}
