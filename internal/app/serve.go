package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/web"
	"github.com/roster-crm/roster/internal/whop/whopsim"
)

// Process roles: one binary can serve requests, work jobs, or both.
const (
	roleAll    = "all"
	roleWeb    = "web"
	roleWorker = "worker"
)

// cmdServe runs Roster until the context ends (SIGINT/SIGTERM), then drains
// in-flight requests and jobs before returning.
func cmdServe(ctx context.Context, env *cliEnv, args []string) error {
	fs := env.flags("serve")
	demo := fs.Bool("demo", false, "create a demo workspace, admin and API key (development key if ROSTER_ENCRYPTION_KEY is unset)")
	role := fs.String("role", roleAll, "what this process does: all, web (HTTP only) or worker (jobs only)")
	addr := fs.String("addr", "", "listen address host:port (overrides ROSTER_ADDR)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *role != roleAll && *role != roleWeb && *role != roleWorker {
		return fmt.Errorf("%w: --role must be all, web or worker", errUsage)
	}
	getenv := env.getenv
	if *addr != "" {
		getenv = func(k string) string {
			if k == "ROSTER_ADDR" {
				return *addr
			}
			return env.getenv(k)
		}
	}
	cfg, err := config.Load(getenv, config.Options{Demo: *demo})
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(env.stderr, nil))
	if cfg.EncryptionKeyGenerated {
		if cfg.EncryptionKey, err = demoKey(cfg.DataDir, cfg.EncryptionKey); err != nil {
			return err
		}
		logger.Warn("using a development encryption key kept in the data directory; set ROSTER_ENCRYPTION_KEY in production")
	}
	var sim *whopsim.Sim
	if *demo {
		// The demo's Whop is a simulator in this process: a company with a
		// few hundred members and a year of history, whose business keeps
		// moving and whose webhooks come back to this server.
		callback := cfg.BaseURL + "/auth/whop/callback"
		var base string
		sim, base, err = startSim("127.0.0.1:0", 1, 300, callback, cfg.BaseURL+"/webhooks/whop", nil)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		defer sim.Close()
		cfg.WhopAPIBaseURL, cfg.WhopOAuthBaseURL = base+"/api/v1", base
		if cfg.WhopClientID == "" {
			cfg.WhopClientID, cfg.WhopClientSecret, cfg.WhopCallbackURL = simClientID, simClientSecret, callback
		}
	}
	a, err := open(ctx, cfg, logger, openParams{Migrate: true, WorkJobs: *role != roleWeb, Demo: *demo})
	if err != nil {
		return err
	}
	defer a.Close()
	if *demo {
		if err := a.seedDemo(ctx, env.stdout); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		go func() { _ = sim.Run(ctx, 5*time.Second) }()
	}

	srv := httpserver.New(a.serverConfig(logger))
	var metricsSrv *httpserver.Server
	if cfg.MetricsAddr != "" {
		if metricsSrv, err = a.metricsServer(logger); err != nil {
			return err
		}
	}
	if *role != roleWorker {
		if err := a.mount(srv); err != nil {
			return err
		}
		if *demo {
			srv.Handle("POST "+demoReceiverPath, demoReceiver())
		}
	}
	if err := a.Queue.Start(ctx); err != nil {
		return err
	}
	if a.Whop != nil && *role != roleWeb {
		// Syncs a dead process left running continue from their saved page.
		if err := a.Whop.ResumeInterrupted(ctx); err != nil {
			logger.Error("whop: resume interrupted syncs", "error", err)
		}
	}
	go func() {
		select {
		case <-srv.Listening():
			// The version goes last and labelled: an unreleased build is
			// "dev-<commit>", and "Roster dev listening" read like a
			// development server.
			fmt.Fprintf(env.stdout, "Roster listening on http://%s (%s, role %s, version %s)\n", srv.Addr(), a.Store.Dialect, *role, Version())
			if *demo && *role != roleWorker {
				if err := a.pointDemoWebhook(ctx, demoReceiverURL(srv.Addr())); err != nil {
					logger.Error("demo: point the webhook at the receiver", "error", err)
				}
			}
		case <-ctx.Done():
		}
	}()
	metricsErr := make(chan error, 1)
	if metricsSrv != nil {
		go func() { metricsErr <- metricsSrv.Serve(ctx) }()
	} else {
		metricsErr <- nil
	}
	serveErr := errors.Join(srv.Serve(ctx), <-metricsErr)
	stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stopErr := a.Queue.Stop(stopCtx)
	logger.Info("stopped")
	return errors.Join(serveErr, stopErr)
}

// serverConfig is the main HTTP server's configuration: /metrics there
// only with ROSTER_METRICS_TOKEN, HSTS when the public URL is https.
func (a *App) serverConfig(logger *slog.Logger) httpserver.Config {
	return httpserver.Config{
		Addr: a.Config.Addr, Logger: logger, Metrics: a.Metrics, Store: a.Store,
		Ready:        jobs.ReadyCheck(a.Store),
		LargeBodies:  map[string]int64{"/import": web.MaxUploadBytes + 64<<10},
		MetricsToken: a.Config.MetricsToken,
		HSTS:         a.Config.HTTPS(),
	}
}

// metricsServer binds ROSTER_METRICS_ADDR now, so a taken port stops
// start-up, and returns a server with /metrics open there (and the probes).
func (a *App) metricsServer(logger *slog.Logger) (*httpserver.Server, error) {
	ln, err := net.Listen("tcp", a.Config.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("ROSTER_METRICS_ADDR: %w", err)
	}
	return httpserver.New(httpserver.Config{Listener: ln, Logger: logger, Metrics: a.Metrics, MetricsOpen: true}), nil
}

// demoKey keeps the development encryption key of a demo in the data
// directory, so secrets sealed in one run still open in the next.
func demoKey(dataDir string, fresh []byte) ([]byte, error) {
	path := filepath.Join(dataDir, "demo-encryption.key")
	if b, err := os.ReadFile(path); err == nil && len(b) == 32 {
		return b, nil
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("demo key: %w", err)
	}
	if err := os.WriteFile(path, fresh, 0o600); err != nil {
		return nil, fmt.Errorf("demo key: %w", err)
	}
	return fresh, nil
}
