package store_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/roster-crm/roster/internal/store"
)

// TestSQLiteFilesOwnerOnly checks that the database, its WAL and shared
// memory files, and backups are created 0600 whatever the umask, and that a
// database left world-readable by an older version is narrowed on open.
func TestSQLiteFilesOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022) // the usual default, which would give 0644
	defer syscall.Umask(old)
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "roster.db")
	s, err := store.Open(ctx, store.OpenParams{SQLitePath: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Write.ExecContext(ctx, "CREATE TABLE t (x); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if _, err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", backup} {
		checkOwnerOnly(t, p)
	}

	legacy := filepath.Join(dir, "legacy.db")
	if err := os.WriteFile(legacy, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := store.Open(ctx, store.OpenParams{SQLitePath: legacy})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	checkOwnerOnly(t, legacy)
}

func checkOwnerOnly(t *testing.T, path string) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatalf("stat %s: %v", filepath.Base(path), err)
	}
	if mode := st.Mode().Perm(); mode != 0o600 {
		t.Errorf("mode of %s = %#o; want 0600", filepath.Base(path), mode)
	}
}
