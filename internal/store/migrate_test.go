package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestMigrateUpDownUp proves every migration's down step works: all the way
// down, then up again, on both dialects, with data written in between.
func TestMigrateUpDownUp(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st, err := s.MigrationStatuses(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(st) == 0 {
			t.Fatal("no migrations embedded")
		}
		if ok, err := s.MigrationsCurrent(ctx); err != nil || !ok {
			t.Fatalf("MigrationsCurrent() = %v, %v; want true", ok, err)
		}
		if err := s.InTx(ctx, func(tx *sql.Tx) error {
			_, err := s.WorkspaceCreate(ctx, tx, &store.WorkspaceCreateParams{Name: "Acme", Now: time.Now()})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		n, err := s.MigrateDown(ctx, len(st)+5)
		if err != nil {
			t.Fatalf("down: %v", err)
		}
		if n != len(st) {
			t.Fatalf("MigrateDown() rolled back %d; want %d", n, len(st))
		}
		if ok, _ := s.MigrationsCurrent(ctx); ok {
			t.Fatal("MigrationsCurrent() = true after rolling everything back")
		}
		if up, err := s.MigrateUp(ctx); err != nil || up != len(st) {
			t.Fatalf("MigrateUp() = %d, %v; want %d", up, err, len(st))
		}
		ws, err := s.WorkspaceList(ctx)
		if err != nil || len(ws) != 0 {
			t.Fatalf("WorkspaceList() after down/up = %d, %v; want 0 rows", len(ws), err)
		}
	})
}
