package records

import (
	"context"
	"fmt"
	"sync"

	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/crm"
)

// EventsArgs is the job enqueued with every committed write: the domain
// events of that write, in order. One job per transaction (not per record)
// keeps bulk imports cheap.
type EventsArgs struct {
	Events []crm.Event `json:"events"`
}

// Kind implements river.JobArgs.
func (EventsArgs) Kind() string { return "crm_events" }

// Subscriber receives committed domain events. It must be idempotent: a job
// can run more than once if the process dies after the subscriber returned.
type Subscriber func(ctx context.Context, events []crm.Event) error

// Bus dispatches domain events to subscribers. Workflows and outgoing
// webhooks subscribe to it; until they exist, the bus only counts.
type Bus struct {
	mu   sync.RWMutex
	subs []Subscriber
}

// Subscribe adds a subscriber; call it before jobs start.
func (b *Bus) Subscribe(s Subscriber) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.subs = append(b.subs, s)
}

// EventsWorker is the River worker for EventsArgs.
type EventsWorker struct {
	river.WorkerDefaults[EventsArgs]
	Bus *Bus
}

// Work delivers the events to every subscriber; an error retries the job.
func (w *EventsWorker) Work(ctx context.Context, job *river.Job[EventsArgs]) error {
	w.Bus.mu.RLock()
	subs := append([]Subscriber(nil), w.Bus.subs...)
	w.Bus.mu.RUnlock()
	for _, s := range subs {
		if err := s(ctx, job.Args.Events); err != nil {
			return fmt.Errorf("records: deliver events: %w", err)
		}
	}
	return nil
}
