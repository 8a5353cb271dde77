package app

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/store"
)

// cmdMigrate applies (up), rolls back (down [N], default 1) or lists
// (status) migrations. River's job tables are part of "up"; "down" rolls
// back Roster's own migrations, and River's too once none of Roster's remain.
func cmdMigrate(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: migrate up | down [N] | status", errUsage)
	}
	cfg, err := config.Load(env.getenv, config.Options{KeyOptional: true})
	if err != nil {
		return err
	}
	s, err := store.Open(ctx, store.OpenParams{DatabaseURL: cfg.DatabaseURL, SQLitePath: cfg.SQLitePath()})
	if err != nil {
		return err
	}
	defer s.Close()
	switch args[0] {
	case "up":
		a := &App{Store: s, Logger: slog.New(slog.DiscardHandler)}
		before, err := s.MigrationStatuses(ctx)
		if err != nil {
			return err
		}
		if err := a.migrateUp(ctx); err != nil {
			return err
		}
		pending := 0
		for _, m := range before {
			if !m.Applied {
				pending++
			}
		}
		fmt.Fprintf(env.stdout, "applied %d migration(s); schema is current (%s)\n", pending, s.Dialect)
	case "down":
		n := 1
		if len(args) > 1 {
			if n, err = strconv.Atoi(args[1]); err != nil || n < 1 {
				return fmt.Errorf("%w: N must be a positive number, got %q", errUsage, args[1])
			}
		}
		done, err := s.MigrateDown(ctx, n)
		if err != nil {
			return err
		}
		st, err := s.MigrationStatuses(ctx)
		if err != nil {
			return err
		}
		if !anyApplied(st) {
			if err := jobs.MigrateDown(ctx, s); err != nil {
				return err
			}
		}
		fmt.Fprintf(env.stdout, "rolled back %d migration(s)\n", done)
	case "status":
		st, err := s.MigrationStatuses(ctx)
		if err != nil {
			return err
		}
		for _, m := range st {
			state := "pending"
			if m.Applied {
				state = "applied"
			}
			fmt.Fprintf(env.stdout, "%05d  %-8s %s\n", m.Version, state, m.Name)
		}
		ok, err := jobs.MigrationsCurrent(ctx, s)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "job queue schema current: %v\n", ok)
	default:
		return fmt.Errorf("%w: unknown migrate action %q (up, down [N], status)", errUsage, args[0])
	}
	return nil
}

func anyApplied(st []store.MigrationStatus) bool {
	for _, m := range st {
		if m.Applied {
			return true
		}
	}
	return false
}
