package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/roster-crm/roster/internal/store"
)

// driver returns River's driver for the store's dialect over db, one of the
// store's pools. It has no listener; Queue adds one on PostgreSQL.
func driver(d store.Dialect, db *sql.DB) (riverdriver.Driver[*sql.Tx], error) {
	switch d {
	case store.SQLite:
		return riversqlite.New(db), nil
	case store.Postgres:
		return riverdatabasesql.New(db), nil
	}
	return nil, fmt.Errorf("jobs: unsupported dialect %q", d)
}

// migrator builds River's migrator. River's tables live beside goose's in
// the current schema (on PostgreSQL the first entry of search_path, which is
// how per-test schemas stay isolated); the two tools keep separate version
// tables (river_migration, goose_db_version) and never touch each other's.
func migrator(s *store.Store, db *sql.DB, logger *slog.Logger) (*rivermigrate.Migrator[*sql.Tx], error) {
	d, err := driver(s.Dialect, db)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	m, err := rivermigrate.New(d, &rivermigrate.Config{Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("jobs: migrator: %w", err)
	}
	return m, nil
}

// Migrate creates or upgrades River's own tables. `roster migrate up` runs it
// after store.MigrateUp; it is idempotent.
func Migrate(ctx context.Context, s *store.Store) error {
	m, err := migrator(s, s.Write, nil)
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate up: %w", err)
	}
	return nil
}

// MigrateDown removes River's tables completely, with every job in them.
func MigrateDown(ctx context.Context, s *store.Store) error {
	m, err := migrator(s, s.Write, nil)
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: -1}); err != nil {
		return fmt.Errorf("jobs: migrate down: %w", err)
	}
	return nil
}

// MigrationsCurrent reports whether all of River's migrations are applied;
// readiness checks use it. It reads through the Read pool, so frequent probes
// never queue behind SQLite's single writer.
func MigrationsCurrent(ctx context.Context, s *store.Store) (bool, error) {
	m, err := migrator(s, s.Read, nil)
	if err != nil {
		return false, err
	}
	res, err := m.Validate(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("jobs: migration status: %w", err)
	}
	return res.OK, nil
}

// ReadyCheck returns a readiness check for httpserver.Config.Ready that
// fails while River's migrations are pending. Its messages are shown by
// /readyz, so they carry no database details.
func ReadyCheck(s *store.Store) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		ok, err := MigrationsCurrent(ctx, s)
		if err != nil {
			return errors.New("job queue migration status unknown")
		}
		if !ok {
			return errors.New("job queue migrations pending")
		}
		return nil
	}
}
