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
// file must not exist. It returns the size written.
func (s *Store) Backup(ctx context.Context, path string) (int64, error) {
	if s.Dialect != SQLite {
		return 0, errors.New("store: backup is for SQLite; use pg_dump for PostgreSQL")
	}
	if _, err := os.Stat(path); err == nil {
		return 0, fmt.Errorf("store: backup: %s already exists", path)
	}
	// A connection of its own: the readers are query-only (VACUUM INTO counts
	// as a write to SQLite) and the single writer must stay free for the app.
	db, err := sql.Open(sqliteDriverName, sqliteDSN(s.Path))
	if err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO $1", path); err != nil {
		return 0, fmt.Errorf("store: backup to %s: %w", path, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	return st.Size(), nil
}
