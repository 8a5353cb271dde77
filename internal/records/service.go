// Package records is the service every front door (GraphQL, REST, web UI,
// CLI, integrations, jobs) calls to read and write CRM records. It validates
// input against the object's schema, checks references, writes the records,
// their timeline activities and their domain events in one transaction, so a
// failed write leaves nothing behind and every committed change is recorded
// exactly once.
package records

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// Enqueuer inserts a job in the caller's transaction (the jobs package's
// queue implements it). The job commits or rolls back with the data.
type Enqueuer interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error
}

// Config wires a Service.
type Config struct {
	Store *store.Store
	// Jobs receives one EventsArgs job per committed write. Nil disables
	// domain events (some CLI commands and benchmarks).
	Jobs Enqueuer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service reads and writes records. It is safe for concurrent use.
type Service struct {
	store *store.Store
	jobs  Enqueuer
	now   func() time.Time
}

// New returns a Service.
func New(cfg Config) *Service {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Service{store: cfg.Store, jobs: cfg.Jobs, now: func() time.Time { return now().UTC().Truncate(time.Microsecond) }}
}

// Schema returns the object together with the workspace's custom fields.
func (s *Service) Schema(ctx context.Context, workspaceID string, o *crm.Object) (*crm.Schema, error) {
	return s.schema(ctx, s.store.Read, workspaceID, o)
}

func (s *Service) schema(ctx context.Context, q store.Querier, workspaceID string, o *crm.Object) (*crm.Schema, error) {
	if !o.Custom {
		return crm.NewSchema(o, nil), nil
	}
	defs, err := s.store.FieldDefinitionList(ctx, q, workspaceID, o.Name)
	if err != nil {
		return nil, err
	}
	return crm.NewSchema(o, defs), nil
}

// Get returns one live record of the workspace.
func (s *Service) Get(ctx context.Context, workspaceID string, o *crm.Object, id string) (crm.Record, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, crm.NotFound(o.Name, id)
	}
	return s.store.RecordGet(ctx, nil, &store.RecordGetParams{Object: o, WorkspaceID: workspaceID, ID: id, IncludeDeleted: true})
}

// GetMany returns the live records with the given IDs, keyed by ID; missing
// ones are simply absent. Relation resolvers use it to avoid one query per row.
func (s *Service) GetMany(ctx context.Context, workspaceID string, o *crm.Object, ids []string) (map[string]crm.Record, error) {
	vals := make([]any, 0, len(ids))
	for _, id := range ids {
		vals = append(vals, id)
	}
	recs, err := s.store.RecordFind(ctx, nil, &store.RecordFindParams{Object: o, WorkspaceID: workspaceID, Column: "id", Values: vals})
	if err != nil {
		return nil, err
	}
	out := make(map[string]crm.Record, len(recs))
	for _, r := range recs {
		out[r.Meta().ID] = r
	}
	return out, nil
}

// List returns a page of records. Build p.Filter and p.OrderBy with the same
// schema (Schema, then schema.ParseFilter / schema.Condition).
func (s *Service) List(ctx context.Context, workspaceID string, schema *crm.Schema, p crm.ListParams) (*crm.Page, error) {
	if err := p.Filter.CheckSize(); err != nil {
		return nil, err
	}
	return s.store.RecordList(ctx, &store.RecordListParams{Schema: schema, WorkspaceID: workspaceID, ListParams: p})
}

// Timeline returns a record's activities, newest first.
func (s *Service) Timeline(ctx context.Context, workspaceID string, o *crm.Object, id, before string, limit int) ([]*crm.TimelineActivity, error) {
	if _, err := s.Get(ctx, workspaceID, o, id); err != nil {
		return nil, err
	}
	return s.store.TimelineList(ctx, &store.TimelineListParams{WorkspaceID: workspaceID, RecordObject: o.Name, RecordID: id, Before: before, Limit: limit})
}

// AddActivitiesTx records several integration events in one statement.
func (s *Service) AddActivitiesTx(ctx context.Context, tx *sql.Tx, acts []*crm.TimelineActivity) error {
	for _, a := range acts {
		if a.ID == "" {
			a.ID = crm.NewID()
		}
		if a.HappensAt.IsZero() {
			a.HappensAt = s.now()
		}
	}
	return s.store.TimelineInsert(ctx, tx, acts)
}

// activity builds the timeline entry for a change to r.
func activity(o *crm.Object, r crm.Record, kind string, diff crm.Diff, actor crm.Actor, at time.Time) *crm.TimelineActivity {
	props := map[string]any{}
	if len(diff) > 0 {
		props["diff"] = diff
	}
	return &crm.TimelineActivity{
		ID: crm.NewID(), WorkspaceID: r.Meta().WorkspaceID, HappensAt: at,
		Name: string(o.Name) + "." + kind, Properties: props,
		RecordObject: o.Name, RecordID: r.Meta().ID, Actor: actor,
	}
}

func event(o *crm.Object, r crm.Record, kind string, diff crm.Diff, actor crm.Actor, at time.Time) crm.Event {
	var fields []string
	if len(diff) > 0 {
		fields = diff.Fields()
	} else {
		diff = nil
	}
	return crm.Event{ID: crm.NewID(), WorkspaceID: r.Meta().WorkspaceID, Object: o.Name, RecordID: r.Meta().ID, Kind: kind,
		UpdatedFields: fields, Actor: actor, At: at, Changes: diff, ChainDepth: actor.ChainDepth}
}

// emit enqueues the write's domain events in its transaction.
func (s *Service) emit(ctx context.Context, tx *sql.Tx, events []crm.Event) error {
	if s.jobs == nil || len(events) == 0 {
		return nil
	}
	if err := s.jobs.InsertTx(ctx, tx, EventsArgs{Events: events}, nil); err != nil {
		return fmt.Errorf("records: enqueue events: %w", err)
	}
	return nil
}
