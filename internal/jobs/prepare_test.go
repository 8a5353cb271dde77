package jobs_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestPrepareThenOpen is the composition root's order: the queue exists
// before its workers (a service holds it from construction), workers are
// registered afterwards, and Open builds the client with them.
func TestPrepareThenOpen(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := jobs.Migrate(ctx, s); err != nil {
			t.Fatalf("Migrate() = %v", err)
		}
		q := jobs.Prepare(jobs.Config{Store: s, FetchPollInterval: 100 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		err := s.InTx(ctx, func(tx *sql.Tx) error { return q.InsertTx(ctx, tx, countArgs{Name: "early"}, nil) })
		if err == nil {
			t.Fatal("InsertTx before Open = nil; want an error")
		}
		w := newCountWorker()
		if err := jobs.Register(q.Registry(), w); err != nil {
			t.Fatalf("Register() = %v", err)
		}
		if err := q.Open(ctx); err != nil {
			t.Fatalf("Open() = %v", err)
		}
		if err := q.Open(ctx); err == nil {
			t.Error("second Open() = nil; want an error")
		}
		if err := q.Start(ctx); err != nil {
			t.Fatalf("Start() = %v", err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			_ = q.Stop(ctx)
		})
		if err := s.InTx(ctx, func(tx *sql.Tx) error { return q.InsertTx(ctx, tx, countArgs{Name: "late"}, nil) }); err != nil {
			t.Fatalf("InsertTx after Open = %v", err)
		}
		select {
		case name := <-w.done:
			if name != "late" {
				t.Errorf("worked job %q; want late", name)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("job registered after Prepare was not worked within 20s")
		}
	})
}
