package audit_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestRetentionJob: the periodic River job, registered as the app does and
// run when the queue starts, deletes what is past retention and keeps the
// rest.
func TestRetentionJob(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc, c, ws, _ := newEnv(t, s)
		now := c.t
		c.t = now.Add(-audit.Retention - time.Hour)
		if err := svc.Record(ctx, ws, audit.Entry{Action: audit.ExportCSV, Actor: admin, Details: map[string]any{"age": "old"}}); err != nil {
			t.Fatal(err)
		}
		c.t = now.Add(-audit.Retention + time.Hour)
		if err := svc.Record(ctx, ws, audit.Entry{Action: audit.ExportCSV, Actor: admin, Details: map[string]any{"age": "kept"}}); err != nil {
			t.Fatal(err)
		}
		c.t = now

		reg := jobs.NewRegistry()
		if err := audit.Register(reg, svc); err != nil {
			t.Fatal(err)
		}
		if err := jobs.Migrate(ctx, s); err != nil {
			t.Fatal(err)
		}
		q, err := jobs.New(ctx, jobs.Config{Store: s, Registry: reg, Workers: 1, FetchPollInterval: 100 * time.Millisecond,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
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
		poll.Until(t, 60*time.Second, func() error {
			pg, err := svc.List(ctx, ws, audit.ListParams{})
			if err != nil {
				return err
			}
			if len(pg.Events) != 1 || pg.Events[0].Details["age"] != "kept" {
				return fmt.Errorf("log has %d entries; want only the one within retention", len(pg.Events))
			}
			return nil
		})
	})
}
