package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// Backup writes a consistent snapshot of the SQLite database to path with
// VACUUM INTO, which reads inside one transaction: writers keep going, and
// the copy is a complete, compacted database of the moment it started. The
// file must not exist; it is created with mode 0600. It returns the size
// written.
func (s *Store) Backup(ctx context.Context, path string) (int64, error) {
	if s.Dialect != SQLite {
		return 0, errors.New("store: backup is for SQLite; use pg_dump for PostgreSQL")
	}
	// Created here, empty and owner-only, so the copy of every secret the
	// database holds is never readable by others (VACUUM INTO accepts an
	// empty file and keeps its mode).
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return 0, fmt.Errorf("store: backup: %s already exists", path)
	}
	if err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	f.Close()
	// A connection of its own: the readers are query-only (VACUUM INTO counts
	// as a write to SQLite) and the single writer must stay free for the app.
	db, err := sql.Open(sqliteDriverName, sqliteDSN(s.Path))
	if err != nil {
		os.Remove(path)
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO $1", path); err != nil {
		os.Remove(path) // the empty file would block the next attempt
		return 0, fmt.Errorf("store: backup to %s: %w", path, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	return st.Size(), nil
}
