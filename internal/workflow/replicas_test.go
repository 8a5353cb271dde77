package workflow_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/workflow"
)

// TestCronOneRunPerTick: a MINUTES schedule fires one run per tick since
// activation, however many scans see the tick and however many replicas
// scan at once.
func TestCronOneRunPerTick(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		start := time.Now().UTC().Truncate(time.Hour).Add(2 * time.Minute)
		clk := &clock{t: start}
		e := newEnv(t, s, envOpts{clock: clk})
		other := startWorker(t, s, envOpts{clock: clk})
		w, _ := e.active("Every five", `{"type": "CRON", "settings": {"type": "MINUTES", "schedule": {"minute": 5}}}`,
			`[{"id": "n", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "note", "objectRecord": {"title": "tick {{trigger.scheduledAt}}"}}}}]`)
		scan := func() {
			t.Helper()
			var wg sync.WaitGroup
			errs := make(chan error, 6)
			for i := 0; i < 3; i++ {
				for _, svc := range []*workflow.Service{e.svc, other.svc} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						errs <- svc.FireCron(context.Background())
					}()
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		clk.Set(start.Add(9 * time.Minute)) // :11 -> ticks :05 and :10
		scan()
		e.waitRuns(w.ID, 2)
		clk.Set(start.Add(14 * time.Minute)) // :16 -> one more, :15
		scan()
		runs := e.waitRuns(w.ID, 3)
		seen := map[any]bool{}
		for _, r := range runs {
			at := stepResult(t, r, "trigger")["scheduledAt"]
			if seen[at] {
				t.Errorf("two runs for tick %v", at)
			}
			seen[at] = true
		}
		for _, m := range []int{5, 10, 15} {
			if tick := start.Truncate(time.Hour).Add(time.Duration(m) * time.Minute).Format(time.RFC3339); !seen[tick] {
				t.Errorf("no run for tick %s (runs: %v)", tick, seen)
			}
		}
	})
}

// TestTwoWorkersOneRunPerEvent: two replicas on one database, both working
// jobs, both receiving every event (a redelivery storm): each event starts
// one run, each run executes its step once.
func TestTwoWorkersOneRunPerEvent(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{})
		other := startWorker(t, s, envOpts{})
		w, _ := e.active("Per person", `{"type": "DATABASE_EVENT", "settings": {"eventName": "person.created"}}`,
			`[{"id": "t", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"title": "call {{trigger.object.name.firstName}}"}}}}]`)
		const n = 20
		var events []crm.Event
		for i := 0; i < n; i++ {
			p := e.create(crm.PersonObject, crm.Input{"name": map[string]any{"firstName": fmt.Sprintf("P%02d", i)}})[0]
			events = append(events, crm.Event{ID: fmt.Sprintf("redelivered-%d", i), WorkspaceID: e.ws, Object: crm.ObjectPerson, RecordID: p.Meta().ID, Kind: crm.EventCreated})
		}
		// Each replica also receives a redelivered copy of every event, twice.
		var wg sync.WaitGroup
		for _, svc := range []*workflow.Service{e.svc, other.svc, e.svc, other.svc} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := svc.Subscriber()(context.Background(), events); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		runs := e.waitRuns(w.ID, 2*n) // the committed events and the redelivered copies (their own IDs)
		for _, r := range runs {
			if r.Status != workflow.RunCompleted {
				t.Errorf("run %s = %s: %s", r.ID, r.Status, stateJSON(r))
			}
		}
		if got := len(e.list(crm.TaskObject)); got != 2*n {
			t.Errorf("tasks = %d; want one per run (%d)", got, 2*n)
		}
	})
}
