package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestWhopKeysLock: on PostgreSQL a transaction that locks a Whop key
// another transaction holds waits until that one ends, while the same key
// of another workspace, or other keys, do not wait; the locks end with the
// transaction. On SQLite (one writer) it is a no-op that succeeds.
func TestWhopKeysLock(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, b := storetest.NewWorkspace(t, s, "A"), storetest.NewWorkspace(t, s, "B")
		lock := func(tx *sql.Tx, ws string, keys ...string) error { return s.WhopKeysLock(ctx, tx, ws, keys) }
		if s.Dialect != store.Postgres {
			err := s.InTx(ctx, func(tx *sql.Tx) error {
				if err := lock(tx, a, "user:u1", "membership:m1"); err != nil {
					return err
				}
				return lock(tx, a)
			})
			if err != nil {
				t.Fatalf("WhopKeysLock() on SQLite = %v; want nil", err)
			}
			return
		}
		holder, err := s.Write.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer holder.Rollback()
		if err := lock(holder, a, "user:u1", "membership:m1", "user:u1"); err != nil {
			t.Fatalf("WhopKeysLock() = %v", err)
		}
		// Another workspace's same key, and other keys of this workspace,
		// are free: these transactions end while the holder still holds.
		for _, c := range []struct{ ws, key string }{{b, "user:u1"}, {a, "user:u2"}, {a, "membership:m2"}} {
			if err := s.InTx(ctx, func(tx *sql.Tx) error { return lock(tx, c.ws, c.key) }); err != nil {
				t.Fatalf("WhopKeysLock(%s) while another key is held = %v", c.key, err)
			}
		}
		// A transaction wanting a held key (among others) waits for it.
		waiter, err := s.Write.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer waiter.Rollback()
		var pid int
		if err := waiter.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- lock(waiter, a, "user:u9", "membership:m1") }()
		poll.Until(t, 30*time.Second, func() error {
			var waiting int
			if err := s.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM pg_locks WHERE pid = $1 AND locktype = 'advisory' AND NOT granted", pid).Scan(&waiting); err != nil {
				return err
			}
			if waiting == 0 {
				return errors.New("the second transaction does not wait on the held key")
			}
			return nil
		})
		select {
		case err := <-done:
			t.Fatalf("WhopKeysLock() on a held key returned (%v) while the holder still holds it", err)
		default:
		}
		if err := holder.Commit(); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("WhopKeysLock() after the holder committed = %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the waiting transaction did not get the key after the holder committed")
		}
	})
}
