// Package storetest opens real, freshly migrated databases for tests: a new
// SQLite file per test, and a new PostgreSQL schema per test when
// ROSTER_TEST_DATABASE_URL is set. A set but unreachable URL fails the test.
// An unset URL fails every dialect-aware test when CI=true, so CI cannot go
// green without PostgreSQL; on a developer machine the PostgreSQL half is
// reported as not running (a skipped "postgres" subtest and a banner on
// stderr), never silently left out.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/store"
)

// EnvPostgresURL names the variable that turns on the PostgreSQL run.
const EnvPostgresURL = "ROSTER_TEST_DATABASE_URL"

// NotRunning is what a test run without PostgreSQL says, in CI as a failure
// and elsewhere as a skip and a banner.
const NotRunning = "PostgreSQL conformance NOT running: set " + EnvPostgresURL + "=postgres://... to run every store test on PostgreSQL too"

var bannerOnce sync.Once

// PostgresEnabled reports whether the PostgreSQL half of the suite runs. When
// it does not, it fails t if CI=true, and otherwise prints NotRunning once per
// test binary to stderr (shown by go test -v and by any failing run).
func PostgresEnabled(t testing.TB) bool {
	t.Helper()
	if os.Getenv(EnvPostgresURL) != "" {
		return true
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (required when CI=true)", NotRunning)
	}
	bannerOnce.Do(func() { fmt.Fprintf(os.Stderr, "\n*** %s ***\n\n", NotRunning) })
	return false
}

// Dialects runs fn once per dialect as a subtest named after it, each with
// its own fresh, migrated store. This is how the conformance suite runs
// every test against both databases. Without PostgreSQL the "postgres"
// subtest is skipped with NotRunning (or fails in CI; see PostgresEnabled).
func Dialects(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, NewSQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		if !PostgresEnabled(t) {
			t.Skip(NotRunning)
		}
		fn(t, NewPostgres(t))
	})
}

// NewSQLite returns a migrated store on a new SQLite file in t.TempDir().
func NewSQLite(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, store.OpenParams{SQLitePath: filepath.Join(t.TempDir(), "roster.db")})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.MigrateUp(ctx); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return s
}

var prepareOnce sync.Once
var prepareErr error

// PostgresURL returns a connection URL for a new, empty schema of the test
// database (dropped when the test ends), or fails the test. Callers that need
// to run migrations themselves use it directly.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgresURL)
	if base == "" {
		t.Fatalf("%s is not set", EnvPostgresURL)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", EnvPostgresURL, err)
	}
	defer admin.Close()
	ctx := context.Background()
	prepareOnce.Do(func() {
		// Extensions live in the database, not the schema; create them once in
		// public so every test schema can use them through its search_path.
		_, prepareErr = admin.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`)
	})
	if prepareErr != nil {
		t.Fatalf("postgres at %s: %v", EnvPostgresURL, prepareErr)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvPostgresURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}

// NewPostgres returns a migrated store on a new schema of the test database.
func NewPostgres(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, store.OpenParams{DatabaseURL: PostgresURL(t), MaxConns: 8})
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.MigrateUp(ctx); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	return s
}

// NewWorkspace creates a workspace named name and returns its ID.
func NewWorkspace(t testing.TB, s *store.Store, name string) string {
	t.Helper()
	var id string
	err := s.InTx(context.Background(), func(tx *sql.Tx) error {
		w, err := s.WorkspaceCreate(context.Background(), tx, &store.WorkspaceCreateParams{Name: name, Now: time.Now()})
		if err == nil {
			id = w.ID
		}
		return err
	})
	if err != nil {
		t.Fatalf("create workspace %q: %v", name, err)
	}
	return id
}
