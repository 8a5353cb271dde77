package whopsync

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/whop"
)

// DomainEvent is a Whop event Roster applied, for consumers such as
// workflow triggers: it is enqueued in the transaction that marks the
// inbox event processed, so it exists exactly when the change committed,
// and once per Whop event (the inbox is unique per webhook-id).
type DomainEvent struct {
	WorkspaceID string `json:"workspaceId"`
	// ID is the webhook-id Whop delivered the event with.
	ID string `json:"id"`
	// Type is the v1 event name (membership.activated, payment.failed, ...).
	Type string `json:"type"`
	// Data is the event's data object: the membership, payment, refund or
	// dispute as Whop sent it.
	Data map[string]any `json:"data"`
}

// DomainEventArgs is the job carrying one DomainEvent.
type DomainEventArgs struct {
	Event DomainEvent `json:"event"`
}

// Kind implements river.JobArgs.
func (DomainEventArgs) Kind() string { return "whop_domain_event" }

// DomainEventHandler consumes applied Whop events; it must be idempotent
// (a job can run again after a crash).
type DomainEventHandler func(ctx context.Context, e DomainEvent) error

// DomainEvents dispatches applied Whop events to their handlers.
type DomainEvents struct {
	mu       sync.RWMutex
	handlers []DomainEventHandler
}

// Subscribe adds a handler; call it before jobs start.
func (b *DomainEvents) Subscribe(h DomainEventHandler) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.handlers = append(b.handlers, h)
}

type domainEventWorker struct {
	river.WorkerDefaults[DomainEventArgs]
	bus *DomainEvents
}

func (w *domainEventWorker) Work(ctx context.Context, job *river.Job[DomainEventArgs]) error {
	w.bus.mu.RLock()
	hs := append([]DomainEventHandler(nil), w.bus.handlers...)
	w.bus.mu.RUnlock()
	for _, h := range hs {
		if err := h(ctx, job.Args.Event); err != nil {
			return fmt.Errorf("whopsync: deliver %s: %w", job.Args.Event.Type, err)
		}
	}
	return nil
}

// RegisterDomainEvents adds the worker that delivers applied Whop events
// to the bus's handlers.
func RegisterDomainEvents(reg *jobs.Registry, bus *DomainEvents) error {
	return jobs.Register(reg, &domainEventWorker{bus: bus})
}

// emitDomainEvent enqueues the applied event in tx, the transaction that
// marks it processed. Without a bus (or a queue) nothing listens.
func (s *Service) emitDomainEvent(ctx context.Context, tx *sql.Tx, ev *store.WhopInboxEvent) error {
	if s.domainEvents == nil || s.queue == nil {
		return nil
	}
	parsed, err := whop.ParseEvent(ev.Payload)
	if err != nil {
		return nil // a body that does not parse was never applied
	}
	e := DomainEvent{WorkspaceID: ev.WorkspaceID, ID: ev.WebhookID, Type: parsed.Type}
	_ = json.Unmarshal(parsed.Data, &e.Data)
	if err := s.queue.InsertTx(ctx, tx, DomainEventArgs{Event: e}, nil); err != nil {
		return fmt.Errorf("whopsync: enqueue domain event: %w", err)
	}
	return nil
}
