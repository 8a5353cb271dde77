package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/store"
)

// cmdBackup writes a consistent copy of the SQLite database while the server
// may be running.
func cmdBackup(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: backup FILE", errUsage)
	}
	cfg, err := config.Load(env.getenv, config.Options{KeyOptional: true})
	if err != nil {
		return err
	}
	if cfg.Postgres() {
		return errors.New("backup copies the embedded SQLite database; for PostgreSQL use pg_dump")
	}
	if _, err := os.Stat(cfg.SQLitePath()); err != nil {
		return fmt.Errorf("no database at %s (set ROSTER_DATA_DIR)", cfg.SQLitePath())
	}
	s, err := store.Open(ctx, store.OpenParams{SQLitePath: cfg.SQLitePath()})
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.Backup(ctx, args[0])
	if err != nil {
		return err
	}
	if err := auditBackup(ctx, s, args[0], n); err != nil {
		// An unaudited copy of every workspace must not stay behind.
		if rerr := os.Remove(args[0]); rerr != nil {
			return fmt.Errorf("%w (and the backup could not be removed: %v)", err, rerr)
		}
		return fmt.Errorf("%w: the backup was removed", err)
	}
	fmt.Fprintf(env.stdout, "wrote %s (%d bytes)\n", args[0], n)
	return nil
}

// auditBackup records the copy in every workspace's log, in one
// transaction: the file holds all of their data.
func auditBackup(ctx context.Context, s *store.Store, path string, size int64) error {
	wss, err := s.WorkspaceList(ctx)
	if err != nil {
		return err
	}
	log := audit.New(audit.Config{Store: s})
	return s.InTx(ctx, func(tx *sql.Tx) error {
		for _, ws := range wss {
			err := log.RecordTx(ctx, tx, ws.ID, audit.Entry{Action: audit.BackupCreated, Actor: cliActor,
				Target:  audit.Target{Type: audit.TargetDatabase, Label: "SQLite database"},
				Details: map[string]any{"file": filepath.Base(path), "bytes": size}})
			if err != nil {
				return err
			}
		}
		return nil
	})
}
