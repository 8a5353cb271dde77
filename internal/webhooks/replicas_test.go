package webhooks_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/webhooks"
)

// TestTwoWorkersDeliverOnce runs two job workers over one PostgreSQL, as
// two `roster serve` replicas do: every event reaches the receiver exactly
// once, whichever worker took its delivery.
func TestTwoWorkersDeliverOnce(t *testing.T) {
	if !storetest.PostgresEnabled(t) {
		t.Skip(storetest.NotRunning)
	}
	s := storetest.NewPostgres(t)
	h := newHarness(t, s, harnessOptions{Quiet: true})
	startReplica(t, s)
	rc := newReceiver(t)
	hook := h.createHook(h.admin, rc.URL, "person.created")
	const people = 60
	for i := range people / 20 {
		names := make([]string, 20)
		for j := range names {
			names[j] = fmt.Sprintf("R%d-%d", i, j)
		}
		h.createPeople(h.ws, names...)
	}
	poll.Until(t, 60*time.Second, func() error {
		pg, err := h.hooks.Deliveries(context.Background(), h.admin, webhooks.DeliveriesParams{WebhookID: hook.ID, First: 200})
		if err != nil {
			return err
		}
		done := 0
		for _, d := range pg.Deliveries {
			if d.Status == store.DeliverySucceeded {
				done++
			}
		}
		if pg.TotalCount != people || done != people {
			return fmt.Errorf("%d deliveries, %d succeeded; want %d and %d", pg.TotalCount, done, people, people)
		}
		return nil
	})
	// Which worker took which job is River's choice; say how it went.
	by := map[string]int{}
	for _, j := range h.deliveryJobs() {
		if n := len(j.AttemptedBy); n > 0 {
			by[j.AttemptedBy[n-1]]++
		}
	}
	t.Logf("deliveries per worker: %v", by)
	seen := map[string]int{}
	for _, r := range rc.requests() {
		seen[r.Header.Get("webhook-id")]++
	}
	if len(seen) != people {
		t.Errorf("receiver got %d distinct deliveries; want %d", len(seen), people)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("delivery %s arrived %d times; want once", id, n)
		}
	}
}

// startReplica starts a second worker process's worth of services over s:
// its own queue, records bus and webhooks service, same sealing key.
func startReplica(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	q := jobs.Prepare(jobs.Config{Store: s, Logger: slog.New(slog.DiscardHandler), FetchPollInterval: 100 * time.Millisecond})
	recs := records.New(records.Config{Store: s, Jobs: q})
	hooks := webhooks.New(webhooks.Config{Store: s, Records: recs, Queue: q, Sealer: testSealer(t), AllowPrivate: true, Logger: slog.New(slog.DiscardHandler)})
	bus := &records.Bus{}
	bus.Subscribe(hooks.Dispatch)
	if err := jobs.Register(q.Registry(), &records.EventsWorker{Bus: bus}); err != nil {
		t.Fatal(err)
	}
	if err := webhooks.Register(q.Registry(), hooks); err != nil {
		t.Fatal(err)
	}
	if err := q.Open(ctx); err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		_ = q.Stop(stop)
	})
}
