package records_test

import (
	"context"
	"database/sql"
	"os"
	"testing"
	"time"

	"github.com/roster-crm/roster/bench/dataset"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// benchDialects runs fn on a fresh SQLite store and, when
// ROSTER_TEST_DATABASE_URL is set, on a fresh PostgreSQL schema.
func benchDialects(b *testing.B, fn func(b *testing.B, s *store.Store)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, storetest.NewSQLite(b)) })
	if os.Getenv(storetest.EnvPostgresURL) != "" {
		b.Run("postgres", func(b *testing.B) { fn(b, storetest.NewPostgres(b)) })
	}
}

func benchWorkspace(b *testing.B, s *store.Store) string {
	b.Helper()
	var id string
	err := s.InTx(context.Background(), func(tx *sql.Tx) error {
		w, err := s.WorkspaceCreate(context.Background(), tx, &store.WorkspaceCreateParams{Name: "Bench", Now: time.Now()})
		if err == nil {
			id = w.ID
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return id
}

// BenchmarkCreatePeople1000 measures one createPeople-sized call (1,000
// people, timeline activities included) on a table that already holds
// 10,000 people, without and with the River queue (insert-only: one events
// job per call). Input generation is not timed. The full-size figures come
// from bench/cmd/rosterbench; see bench/BENCHMARKS.md.
func BenchmarkCreatePeople1000(b *testing.B) {
	const batch, preload = 1000, 10_000
	for _, mode := range []string{"no-jobs", "queue"} {
		b.Run(mode, func(b *testing.B) {
			benchDialects(b, func(b *testing.B, s *store.Store) {
				ctx := context.Background()
				cfg := records.Config{Store: s}
				if mode == "queue" {
					if err := jobs.Migrate(ctx, s); err != nil {
						b.Fatal(err)
					}
					q, err := jobs.New(ctx, jobs.Config{Store: s, InsertOnly: true})
					if err != nil {
						b.Fatal(err)
					}
					cfg.Jobs = q
				}
				svc := records.New(cfg)
				ws := benchWorkspace(b, s)
				spec := dataset.Spec{People: 1 << 30, Seed: 1}
				next := 0
				inputs := func() []crm.Input {
					in := make([]crm.Input, batch)
					for k := range in {
						in[k] = spec.Person(next+k, "")
					}
					next += batch
					return in
				}
				create := func(in []crm.Input) {
					if _, err := svc.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: crm.Actor{Source: crm.SourceAPI, Name: "bench"}, Inputs: in}); err != nil {
						b.Fatal(err)
					}
				}
				for range preload / batch {
					create(inputs())
				}
				n := 0
				for b.Loop() {
					b.StopTimer()
					in := inputs()
					b.StartTimer()
					create(in)
					n += batch
				}
				b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "people/s")
			})
		})
	}
}
