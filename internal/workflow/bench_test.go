package workflow_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/workflow"
)

// people returns n createPeople inputs with distinct emails.
func people(n, round int) []crm.Input {
	in := make([]crm.Input, n)
	for i := range in {
		in[i] = crm.Input{"name": map[string]any{"firstName": fmt.Sprintf("P%d", i), "lastName": fmt.Sprintf("R%d", round)},
			"emails": map[string]any{"primaryEmail": fmt.Sprintf("p%d.r%d@bench.test", i, round)}}
	}
	return in
}

// BenchmarkCreatePeopleWorkflowRuns: one createPeople of 1,000 with an
// active 2-step workflow on person.created (create a task, update the
// person), timed until all 1,000 runs completed, on SQLite with one
// process working the jobs. Goal: <= 10 s.
func BenchmarkCreatePeopleWorkflowRuns(b *testing.B) {
	s := storetest.NewSQLite(b)
	e := newBenchEnv(b, s)
	_, _ = e.active("Bench", `{"type": "DATABASE_EVENT", "settings": {"eventName": "person.created"}}`, `[
	 {"id": "task", "type": "CREATE_RECORD", "nextStepIds": ["tag"], "settings": {"input": {"objectName": "task", "objectRecord": {"title": "Call {{trigger.object.name.firstName}}"}}}},
	 {"id": "tag", "type": "UPDATE_RECORD", "settings": {"input": {"objectName": "person", "objectRecordId": "{{trigger.object.id}}", "objectRecord": {"jobTitle": "task {{task.id}}"}}}}]`)
	const n = 1000
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := e.records.Create(e.ctx, records.CreateParams{WorkspaceID: e.ws, Object: crm.PersonObject, Actor: crm.Actor{Source: crm.SourceAPI}, Inputs: people(n, i)}); err != nil {
			b.Fatal(err)
		}
		want := (i + 1) * n
		for {
			done := e.count(`SELECT COUNT(*) FROM workflow_runs WHERE workspace_id = $1 AND status = 'COMPLETED'`)
			if done >= want {
				break
			}
			if failed := e.count(`SELECT COUNT(*) FROM workflow_runs WHERE workspace_id = $1 AND status = 'FAILED'`); failed > 0 {
				b.Fatalf("%d runs failed", failed)
			}
			if time.Since(start) > 5*time.Minute {
				b.Fatalf("%d of %d runs completed after 5 minutes", done, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "runs/s")
	}
}

// count runs a COUNT query with the workspace as $1.
func (e *env) count(q string) int {
	var n int
	if err := e.s.Read.QueryRow(q, e.ws).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

var benchMaxRuns = 0

// newBenchEnv is newEnv for a benchmark.
func newBenchEnv(b *testing.B, s *store.Store) *env {
	e := &env{t: b, ctx: context.Background(), s: s}
	if err := jobs.Migrate(e.ctx, s); err != nil {
		b.Fatal(err)
	}
	err := s.InTx(e.ctx, func(tx *sql.Tx) error {
		w, err := s.WorkspaceCreate(e.ctx, tx, &store.WorkspaceCreateParams{Name: "Bench", Now: time.Now()})
		e.ws = w.ID
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	w := startWorker(b, s, envOpts{maxRuns: benchMaxRuns})
	e.queue, e.records, e.svc = w.queue, w.records, w.svc
	return e
}

// captured collects the jobs a write enqueues, so a benchmark can deliver
// its domain events synchronously.
type captured struct{ events []crm.Event }

func (c *captured) InsertTx(_ context.Context, _ *sql.Tx, args river.JobArgs, _ *river.InsertOpts) error {
	if ev, ok := args.(records.EventsArgs); ok {
		c.events = append(c.events, ev.Events...)
	}
	return nil
}

// BenchmarkCreatePeopleEngineOverhead: one createPeople of 1,000 and the
// delivery of its 1,000 domain events, with the workflow engine subscribed
// but no workflow listening to person.created (one is active on
// company.created), against the same without the engine. Goal: the engine
// adds <= 10%.
func BenchmarkCreatePeopleEngineOverhead(b *testing.B) {
	for _, withEngine := range []bool{false, true} {
		name := "without-engine"
		if withEngine {
			name = "engine-no-match"
		}
		b.Run(name, func(b *testing.B) {
			s := storetest.NewSQLite(b)
			ctx := context.Background()
			var ws string
			err := s.InTx(ctx, func(tx *sql.Tx) error {
				w, err := s.WorkspaceCreate(ctx, tx, &store.WorkspaceCreateParams{Name: "Bench", Now: time.Now()})
				ws = w.ID
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			cap := &captured{}
			rs := records.New(records.Config{Store: s, Jobs: cap})
			bus := &records.Bus{}
			var sub records.Subscriber = func(context.Context, []crm.Event) error { return nil }
			if withEngine {
				svc, err := workflow.New(workflow.Config{Store: s, Records: rs, Queue: cap, Logger: slog.New(slog.DiscardHandler)})
				if err != nil {
					b.Fatal(err)
				}
				e := &env{t: b, ctx: ctx, s: s, ws: ws, svc: svc, records: rs}
				e.active("Companies", `{"type": "DATABASE_EVENT", "settings": {"eventName": "company.created"}}`,
					`[{"id": "n", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "note", "objectRecord": {"title": "x"}}}}]`)
				sub = svc.Subscriber()
			}
			bus.Subscribe(sub)
			worker := &records.EventsWorker{Bus: bus}
			var delivering time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				cap.events = cap.events[:0]
				if _, err := rs.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: crm.Actor{Source: crm.SourceAPI}, Inputs: people(1000, i)}); err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				if err := worker.Work(ctx, &river.Job[records.EventsArgs]{Args: records.EventsArgs{Events: cap.events}}); err != nil {
					b.Fatal(err)
				}
				delivering += time.Since(start)
			}
			// The engine's own share: delivering the 1,000 events.
			b.ReportMetric(float64(delivering.Microseconds())/float64(b.N), "deliver-µs/op")
		})
	}
}
