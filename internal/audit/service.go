package audit

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// Config wires a Service.
type Config struct {
	Store *store.Store
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service records and reads workspaces' audit logs. It is safe for
// concurrent use.
type Service struct {
	store *store.Store
	now   func() time.Time
}

// New returns a Service.
func New(c Config) *Service {
	now := c.Now
	if now == nil {
		now = time.Now
	}
	return &Service{store: c.Store, now: now}
}

// RecordTx appends an entry to the workspace's log inside tx, the
// transaction of the change it describes: a change that rolls back leaves
// no entry, and an entry that cannot be written (a refused action, a
// database error) fails the change. This is how every transactional change
// is audited.
func (s *Service) RecordTx(ctx context.Context, tx *sql.Tx, workspaceID string, e Entry) error {
	return s.record(ctx, tx, workspaceID, e)
}

// Record appends an entry on its own, for actions that are not a database
// transaction (an export, a backup file, a refused webhook). Callers record
// before the action takes effect where they can (an export records before
// its first byte), so a failed write stops the action.
func (s *Service) Record(ctx context.Context, workspaceID string, e Entry) error {
	return s.record(ctx, s.store.Write, workspaceID, e)
}

func (s *Service) record(ctx context.Context, q store.Querier, workspaceID string, e Entry) error {
	if err := check(workspaceID, e); err != nil {
		return err
	}
	o := OriginFrom(ctx)
	if e.IP == "" {
		e.IP = o.IP
	}
	if e.UserAgent == "" {
		e.UserAgent = o.UserAgent
	}
	row := &store.AuditEntry{
		ID: crm.NewID(), WorkspaceID: workspaceID, At: s.now().UTC().Truncate(time.Microsecond), Action: string(e.Action),
		ActorKind: string(e.Actor.Kind), ActorID: optional(e.Actor.ID), ActorName: e.Actor.Name,
		TargetType: e.Target.Type, TargetID: optional(e.Target.ID), TargetLabel: e.Target.Label,
		Details: e.Details, IP: e.IP, UserAgent: truncate(e.UserAgent, maxUserAgent),
	}
	if err := s.store.AuditInsert(ctx, q, row); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// check refuses an entry the log must not hold. Every refusal is a
// programming error in the caller, so none is a crm.ErrInvalid.
func check(workspaceID string, e Entry) error {
	if workspaceID == "" {
		return fmt.Errorf("audit: %s: no workspace", e.Action)
	}
	if !e.Action.Known() {
		return fmt.Errorf("audit: unknown action %q (add it to audit.actions)", e.Action)
	}
	switch e.Actor.Kind {
	case ActorMember, ActorAPIKey:
		if e.Actor.ID == "" {
			return fmt.Errorf("audit: %s: a %s actor needs an ID", e.Action, e.Actor.Kind)
		}
	case ActorSystem:
		if e.Actor.ID != "" {
			return fmt.Errorf("audit: %s: a system actor has no ID", e.Action)
		}
	default:
		return fmt.Errorf("audit: %s: no actor", e.Action)
	}
	return checkDetails(e.Details)
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Filter selects entries; every condition given must hold.
type Filter struct {
	// Actions keeps entries with one of these actions (GraphQL's
	// action.eq is one, action.in several); empty keeps all.
	Actions []Action
	// ActorID keeps what one member or API key did.
	ActorID string
	// Since and Until bound the time recorded, both inclusive.
	Since, Until *time.Time
	// WhopOnly keeps the Whop integration's entries, which members may read
	// through the older auditLog query.
	WhopOnly bool
	// Prefix keeps actions starting with it (auditLog's action argument).
	Prefix string
}

// ListParams select and page a workspace's log.
type ListParams struct {
	Filter Filter
	// First is the page size (default crm.DefaultPageSize, at most
	// crm.MaxPageSize).
	First int
	// After is the cursor of the last entry of the previous page.
	After string
	// WithTotal counts every entry the filter selects (a COUNT query).
	WithTotal bool
}

// Page is one page of a log, newest first.
type Page struct {
	Events []*Event
	// Cursors[i] is the cursor of Events[i], for After.
	Cursors     []string
	HasNextPage bool
	// TotalCount is set when ListParams.WithTotal asked for it.
	TotalCount int
}

// maxFilterActions bounds action.in, like crm.MaxFilterValues bounds the
// record filters.
const maxFilterActions = 100

// List returns a page of the workspace's entries, newest first. Callers
// check that the reader may see them (admins: all; others: WhopOnly).
func (s *Service) List(ctx context.Context, workspaceID string, p ListParams) (*Page, error) {
	lp, err := s.listParams(workspaceID, p)
	if err != nil {
		return nil, err
	}
	rows, more, err := s.store.AuditList(ctx, lp)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	pg := &Page{HasNextPage: more, Events: make([]*Event, len(rows)), Cursors: make([]string, len(rows))}
	for i, r := range rows {
		pg.Events[i] = event(r)
		pg.Cursors[i] = encodeCursor(r.At, r.ID)
	}
	if p.WithTotal {
		if pg.TotalCount, err = s.store.AuditCount(ctx, lp); err != nil {
			return nil, fmt.Errorf("audit: count: %w", err)
		}
	}
	return pg, nil
}

// CursorOf returns the cursor of one entry of the workspace (for the older
// auditLog query, which pages by the last entry's ID).
func (s *Service) CursorOf(ctx context.Context, workspaceID, id string) (string, error) {
	e, err := s.store.AuditGet(ctx, workspaceID, id)
	if err != nil {
		return "", err
	}
	return encodeCursor(e.At, e.ID), nil
}

func (s *Service) listParams(workspaceID string, p ListParams) (*store.AuditListParams, error) {
	n, err := crm.PageSize("first", p.First)
	if err != nil {
		return nil, err
	}
	f := p.Filter
	if len(f.Actions) > maxFilterActions {
		return nil, crm.Invalid("action", crm.CodeInvalidValue, "lists at most %d actions, got %d", maxFilterActions, len(f.Actions))
	}
	lp := &store.AuditListParams{WorkspaceID: workspaceID, ActorID: f.ActorID, Since: f.Since, Until: f.Until, Limit: n, ActionPrefix: f.Prefix}
	for _, a := range f.Actions {
		if !a.Known() {
			return nil, crm.Invalid("action", crm.CodeInvalidEnum, "unknown action %q (the actions are listed in docs/admin.md, \"Audit log\")", a)
		}
		if f.WhopOnly && !a.Whop() {
			return nil, &crm.Error{Cause: crm.ErrForbidden, Code: crm.CodeForbidden, Field: "action", Message: "only workspace admins can read " + string(a) + " entries"}
		}
		lp.Actions = append(lp.Actions, string(a))
	}
	if f.WhopOnly {
		switch {
		case strings.HasPrefix(lp.ActionPrefix, WhopPrefix):
		case strings.HasPrefix(WhopPrefix, lp.ActionPrefix): // "", "w", "whop"
			lp.ActionPrefix = WhopPrefix
		default:
			return nil, &crm.Error{Cause: crm.ErrForbidden, Code: crm.CodeForbidden, Field: "action", Message: "only workspace admins can read entries other than whop.*"}
		}
	}
	if f.Since != nil && f.Until != nil && f.Since.After(*f.Until) {
		return nil, crm.Invalid("createdAt", crm.CodeInvalidValue, "gte %s is after lte %s", f.Since.Format(time.RFC3339), f.Until.Format(time.RFC3339))
	}
	if p.After != "" {
		at, id, ok := decodeCursor(p.After)
		if !ok {
			return nil, crm.Invalid("after", crm.CodeInvalidValue, "is not a cursor of this list")
		}
		lp.After = &store.AuditCursor{At: at, ID: id}
	}
	return lp, nil
}

func event(r *store.AuditEntry) *Event {
	e := &Event{ID: r.ID, WorkspaceID: r.WorkspaceID, At: r.At, Entry: Entry{
		Action:  Action(r.Action),
		Actor:   Actor{Kind: ActorKind(r.ActorKind), ID: deref(r.ActorID), Name: r.ActorName},
		Target:  Target{Type: r.TargetType, ID: deref(r.TargetID), Label: r.TargetLabel},
		Details: r.Details, IP: r.IP, UserAgent: r.UserAgent,
	}}
	return e
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// A cursor is the entry's time and ID, which order the log; it is opaque
// to clients.
func encodeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

func decodeCursor(c string) (time.Time, string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", false
	}
	ts, id, ok := strings.Cut(string(b), "|")
	if !ok || id == "" || len(id) > 64 {
		return time.Time{}, "", false
	}
	at, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return time.Time{}, "", false
	}
	return at, id, true
}

// Actors lists the members and API keys that appear in the workspace's log,
// most recently active first, under the latest name each was recorded with.
func (s *Service) Actors(ctx context.Context, workspaceID string) ([]Actor, error) {
	rows, err := s.store.AuditActors(ctx, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("audit: actors: %w", err)
	}
	out := make([]Actor, len(rows))
	for i, r := range rows {
		out[i] = Actor{Kind: ActorKind(r.Kind), ID: r.ID, Name: r.Name}
	}
	return out, nil
}
