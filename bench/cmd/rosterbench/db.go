package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/store"
)

// target is where the benchmark data lives.
type target struct {
	Dialect string // "sqlite" or "postgres"
	DataDir string
	// AdminURL points at an existing PostgreSQL database (usually
	// "postgres") from which the benchmark database is dropped and created.
	AdminURL string
	DBName   string
}

// SQLitePath is the file `roster serve` uses for ROSTER_DATA_DIR=DataDir.
func (t target) SQLitePath() string { return filepath.Join(t.DataDir, "roster.db") }

// DatabaseURL is the benchmark database's URL, empty on SQLite.
func (t target) DatabaseURL() string {
	if t.Dialect != "postgres" {
		return ""
	}
	u, err := url.Parse(t.AdminURL)
	if err != nil {
		return ""
	}
	u.Path = "/" + t.DBName
	return u.String()
}

// reset deletes the previous run's data: the SQLite files, or the whole
// PostgreSQL database (dropped and recreated).
func (t target) reset(ctx context.Context) error {
	if err := os.MkdirAll(t.DataDir, 0o700); err != nil {
		return err
	}
	if t.Dialect == "sqlite" {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(t.SQLitePath() + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
		return nil
	}
	admin, err := sql.Open("pgx", t.AdminURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	for _, stmt := range []string{
		`DROP DATABASE IF EXISTS ` + t.DBName + ` WITH (FORCE)`,
		`CREATE DATABASE ` + t.DBName,
	} {
		if _, err := admin.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	db, err := sql.Open("pgx", t.DatabaseURL())
	if err != nil {
		return err
	}
	defer db.Close()
	// An operator installs pg_trgm once per database (it needs a superuser);
	// the test harness does the same for its schemas.
	if _, err := db.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS pg_trgm`); err != nil {
		return fmt.Errorf("create extension pg_trgm: %w", err)
	}
	return nil
}

// open connects to the target and applies Roster's and River's migrations,
// exactly as `roster serve` does at start-up.
func (t target) open(ctx context.Context) (*store.Store, error) {
	s, err := store.Open(ctx, store.OpenParams{DatabaseURL: t.DatabaseURL(), SQLitePath: t.SQLitePath()})
	if err != nil {
		return nil, err
	}
	if _, err := s.MigrateUp(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := jobs.Migrate(ctx, s); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}
