package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/roster-crm/roster/internal/store/postgres"
	"github.com/roster-crm/roster/internal/store/sqlite"
)

// MigrationStatus is one embedded migration and whether it has been applied.
type MigrationStatus struct {
	Version int64
	Name    string
	Applied bool
}

// migrator builds a goose provider over the embedded migrations of the store's
// dialect. On PostgreSQL a session advisory lock keeps two replicas starting at
// once from migrating concurrently.
func (s *Store) migrator() (*goose.Provider, error) {
	var (
		fsys    fs.FS
		dialect goose.Dialect
		opts    = []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	)
	switch s.Dialect {
	case SQLite:
		fsys, dialect = sqlite.Migrations, goose.DialectSQLite3
	case Postgres:
		fsys, dialect = postgres.Migrations, goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("store: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	sub, err := fs.Sub(fsys, "migrations")
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	p, err := goose.NewProvider(dialect, s.Write, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// MigrateUp applies every pending migration and returns how many ran.
func (s *Store) MigrateUp(ctx context.Context) (int, error) {
	p, err := s.migrator()
	if err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("store: migrate up: %w", err)
	}
	return len(res), nil
}

// MigrateDown rolls back the n most recent migrations (n >= 1).
func (s *Store) MigrateDown(ctx context.Context, n int) (int, error) {
	p, err := s.migrator()
	if err != nil {
		return 0, err
	}
	done := 0
	for ; done < n; done++ {
		if _, err := p.Down(ctx); err != nil {
			if errors.Is(err, goose.ErrNoNextVersion) {
				break // nothing left to roll back
			}
			return done, fmt.Errorf("store: migrate down: %w", err)
		}
	}
	return done, nil
}

// MigrationStatuses lists every embedded migration with its state.
func (s *Store) MigrationStatuses(ctx context.Context) ([]MigrationStatus, error) {
	p, err := s.migrator()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migration status: %w", err)
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, m := range st {
		out = append(out, MigrationStatus{Version: m.Source.Version, Name: m.Source.Path, Applied: m.State == goose.StateApplied})
	}
	return out, nil
}

// MigrationsCurrent reports whether every embedded migration has been applied;
// readiness checks use it.
func (s *Store) MigrationsCurrent(ctx context.Context) (bool, error) {
	p, err := s.migrator()
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return false, fmt.Errorf("store: migration status: %w", err)
	}
	return !pending, nil
}
