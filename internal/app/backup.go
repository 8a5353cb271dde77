package app

import (
	"context"
	"errors"
	"fmt"
	"os"

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
	fmt.Fprintf(env.stdout, "wrote %s (%d bytes)\n", args[0], n)
	return nil
}
