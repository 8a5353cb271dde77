// Package store is Roster's data access layer. One Store serves both SQLite
// (the embedded default) and PostgreSQL; the differences between them are kept
// in a Dialect and in the per-dialect migration folders. Every method that
// touches workspace data takes the workspace ID, so no caller can read or write
// across workspaces.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// Store is the handle every service uses. On SQLite, Write is a pool of exactly
// one connection (SQLite allows one writer at a time; queuing in Go is cheaper
// than spinning on SQLITE_BUSY) and Read is a pool of readers that see WAL
// snapshots. On PostgreSQL both point at the same pool.
type Store struct {
	Dialect Dialect
	Write   *sql.DB
	Read    *sql.DB
	// Path is the SQLite file, empty on PostgreSQL.
	Path string
}

// OpenParams says which database to open.
type OpenParams struct {
	// DatabaseURL selects PostgreSQL when non-empty.
	DatabaseURL string
	// SQLitePath is the file used when DatabaseURL is empty.
	SQLitePath string
	// MaxConns caps the PostgreSQL pool and the SQLite reader pool (0: default).
	MaxConns int
}

// Open connects to the database and checks that it answers. It does not run
// migrations; see Migrate.
func Open(ctx context.Context, p OpenParams) (*Store, error) {
	if p.DatabaseURL != "" {
		return openPostgres(ctx, p)
	}
	return openSQLite(ctx, p)
}

func openSQLite(ctx context.Context, p OpenParams) (*Store, error) {
	if p.SQLitePath == "" {
		return nil, errors.New("store: no SQLite path")
	}
	if err := os.MkdirAll(filepath.Dir(p.SQLitePath), 0o700); err != nil {
		return nil, fmt.Errorf("store: create data dir: %w", err)
	}
	if err := ownerOnly(p.SQLitePath, true); err != nil {
		return nil, err
	}
	dsn := sqliteDSN(p.SQLitePath)
	w, err := sql.Open(sqliteDriverName, dsn+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", p.SQLitePath, err)
	}
	// SQLite gives the -wal and -shm files the database file's mode; files
	// made by an older version (0644) are narrowed here too.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := ownerOnly(p.SQLitePath+suffix, false); err != nil {
			w.Close()
			return nil, err
		}
	}
	readers := p.MaxConns
	if readers <= 0 {
		readers = max(4, runtime.NumCPU()*2)
	}
	r, err := sql.Open(sqliteDriverName, dsn+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open sqlite readers: %w", err)
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	r.SetConnMaxIdleTime(5 * time.Minute)
	return &Store{Dialect: SQLite, Write: w, Read: r, Path: p.SQLitePath}, nil
}

// ownerOnly makes path readable by its owner only (0600): the database
// holds password hashes, sessions and sealed secrets. With create, a missing
// file is created empty (SQLite then keeps that mode); else a missing file
// is left alone.
func ownerOnly(path string, create bool) error {
	if create {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("store: create %s: %w", path, err)
		}
		f.Close()
	}
	if err := os.Chmod(path, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: restrict %s to its owner: %w", path, err)
	}
	return nil
}

func sqliteDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)",
		"synchronous(NORMAL)", "cache_size(-32000)", "temp_store(MEMORY)",
	} {
		q.Add("_pragma", p)
	}
	return "file:" + path + "?" + q.Encode()
}

func openPostgres(ctx context.Context, p OpenParams) (*Store, error) {
	db, err := sql.Open("pgx", p.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	n := p.MaxConns
	if n <= 0 {
		n = 20
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect to postgres: %w", err)
	}
	return &Store{Dialect: Postgres, Write: db, Read: db}, nil
}

// Close releases both pools.
func (s *Store) Close() error {
	err := s.Write.Close()
	if s.Read != s.Write {
		err = errors.Join(err, s.Read.Close())
	}
	return err
}

// Ping checks that the database answers; readiness probes use it.
func (s *Store) Ping(ctx context.Context) error {
	return s.Read.PingContext(ctx)
}

// InTx runs fn in a write transaction and commits when fn returns nil. Any
// error, or a panic, rolls everything back, so a failed operation leaves no
// partial writes behind.
func (s *Store) InTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := s.Write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Querier is what both *sql.DB and *sql.Tx offer; read helpers take it so they
// work inside and outside a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
