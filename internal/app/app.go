// Package app is Roster's composition root: it turns a Config into a running
// system (store, services, job queue, HTTP server) and implements the CLI
// commands on top of it. Nothing else wires components together.
package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/metrics"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
)

// App holds the long-lived components of one process.
type App struct {
	Config  config.Config
	Logger  *slog.Logger
	Store   *store.Store
	Metrics *metrics.Registry
	Queue   *jobs.Queue
	Bus     *records.Bus
	Records *records.Service
	Auth    *auth.Service
}

// openParams say how much of the system a command needs.
type openParams struct {
	// Migrate applies pending migrations (app and River) before anything else.
	Migrate bool
	// WorkJobs builds a queue that works jobs; otherwise it only enqueues.
	WorkJobs bool
}

// open builds the App. Close releases it.
func open(ctx context.Context, cfg config.Config, logger *slog.Logger, p openParams) (*App, error) {
	s, err := store.Open(ctx, store.OpenParams{DatabaseURL: cfg.DatabaseURL, SQLitePath: cfg.SQLitePath()})
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Logger: logger, Store: s, Metrics: metrics.New(), Bus: &records.Bus{}}
	if p.Migrate {
		if err := a.migrateUp(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	if err := a.Metrics.RegisterStore(s); err != nil {
		s.Close()
		return nil, err
	}
	reg := jobs.NewRegistry()
	if err := jobs.Register(reg, &records.EventsWorker{Bus: a.Bus}); err != nil {
		s.Close()
		return nil, err
	}
	a.Queue, err = jobs.New(ctx, jobs.Config{Store: s, Logger: logger, Registry: reg, Metrics: a.Metrics, InsertOnly: !p.WorkJobs})
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("app: job queue: %w", err)
	}
	a.Records = records.New(records.Config{Store: s, Jobs: a.Queue})
	a.Auth = auth.New(auth.Config{Store: s})
	return a, nil
}

// migrateUp applies Roster's migrations and then River's.
func (a *App) migrateUp(ctx context.Context) error {
	n, err := a.Store.MigrateUp(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		a.Logger.Info("applied migrations", "count", n, "dialect", a.Store.Dialect)
	}
	return jobs.Migrate(ctx, a.Store)
}

// Close releases the database.
func (a *App) Close() error { return a.Store.Close() }
