package jobs_test

import (
	"context"
	"testing"

	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestMigrate(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		check := func(step string, want bool) {
			t.Helper()
			got, err := jobs.MigrationsCurrent(ctx, s)
			if err != nil {
				t.Fatalf("%s: MigrationsCurrent() error = %v", step, err)
			}
			if got != want {
				t.Errorf("%s: MigrationsCurrent() = %v; want %v", step, got, want)
			}
			if err := jobs.ReadyCheck(s)(ctx); (err == nil) != want {
				t.Errorf("%s: ReadyCheck() = %v; want ready=%v", step, err, want)
			}
			if ok, err := s.MigrationsCurrent(ctx); err != nil || !ok {
				t.Errorf("%s: store.MigrationsCurrent() = %v, %v; want true (River must not disturb goose)", step, ok, err)
			}
		}
		check("fresh", false)
		for i := range 2 { // the second run must be a no-op
			if err := jobs.Migrate(ctx, s); err != nil {
				t.Fatalf("Migrate() #%d = %v", i+1, err)
			}
		}
		check("after up", true)
		if err := jobs.MigrateDown(ctx, s); err != nil {
			t.Fatalf("MigrateDown() = %v", err)
		}
		check("after down", false)
		if err := jobs.Migrate(ctx, s); err != nil {
			t.Fatalf("Migrate() after down = %v", err)
		}
		check("after up again", true)
		// goose's own down/up must still work with River's tables present.
		if _, err := s.MigrateDown(ctx, 1); err != nil {
			t.Fatalf("store.MigrateDown() with River tables present = %v", err)
		}
		if _, err := s.MigrateUp(ctx); err != nil {
			t.Fatalf("store.MigrateUp() = %v", err)
		}
	})
}
