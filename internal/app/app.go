// Package app is Roster's composition root: it turns a Config into a running
// system (store, services, job queue, HTTP server) and implements the CLI
// commands on top of it. Nothing else wires components together.
package app

import (
	"context"
	"fmt"
	"github.com/roster-crm/roster/internal/ai"
	"log/slog"
	"time"

	"github.com/roster-crm/roster/internal/analytics"
	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/insights"
	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/metrics"
	"github.com/roster-crm/roster/internal/netguard"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/views"
	"github.com/roster-crm/roster/internal/webhooks"
	"github.com/roster-crm/roster/internal/whopsync"
	"github.com/roster-crm/roster/internal/workflow"
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
	// Insights computes the dashboard; Views keeps saved table views.
	Insights *insights.Service
	// Analytics computes the revenue analytics (MRR movements, churn).
	Analytics *analytics.Service
	Views     *views.Service
	// Audit is the workspaces' audit log, written by every service above.
	Audit *audit.Service
	// Mail is the one mailer (invites, password resets, workflow email).
	Mail *mail.Service
	// Whop is the Whop integration; nil when no encryption key is configured
	// (management commands that never touch sealed secrets).
	Whop *whopsync.Service
	// Webhooks sends outgoing webhooks; nil when no encryption key is
	// configured (their secrets are sealed).
	Webhooks *webhooks.Service
	// Workflows is the automation engine, fed by the records' event bus
	// and by WhopEvents.
	Workflows *workflow.Service
	// WhopEvents carries the Whop events whopsync applied to their
	// consumers (WHOP_EVENT workflow triggers).
	WhopEvents *whopsync.DomainEvents
	// AI runs the AI actions (also as workflow steps); workspace API keys
	// can only be stored when an encryption key is configured.
	AI *ai.Service
	// Contracts sends documents for signature; nil when no encryption key
	// is configured (signing links and the seal key are sealed).
	Contracts *contracts.Service
}

// openParams say how much of the system a command needs.
type openParams struct {
	// Migrate applies pending migrations (app and River) before anything else.
	Migrate bool
	// WorkJobs builds a queue that works jobs; otherwise it only enqueues.
	WorkJobs bool
	// Demo lets outgoing webhooks reach this machine: the demo's webhook
	// posts to a receiver in this process.
	Demo bool
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
	// Services take the prepared queue at construction; their workers are
	// registered next, and the queue opens once the registry is complete.
	a.Queue = jobs.Prepare(jobs.Config{Store: s, Logger: logger, Metrics: a.Metrics, InsertOnly: !p.WorkJobs})
	reg := a.Queue.Registry()
	if err := jobs.Register(reg, &records.EventsWorker{Bus: a.Bus}); err != nil {
		s.Close()
		return nil, err
	}
	a.Records = records.New(records.Config{Store: s, Jobs: a.Queue})
	if a.Mail, err = a.newMailer(); err != nil {
		s.Close()
		return nil, err
	}
	a.Audit = audit.New(audit.Config{Store: s})
	if err := audit.Register(reg, a.Audit); err != nil {
		s.Close()
		return nil, err
	}
	a.Auth = auth.New(auth.Config{Store: s, Mail: a.Mail, Audit: a.Audit})
	if err := a.openWorkflows(reg); err != nil {
		s.Close()
		return nil, err
	}
	a.Insights = insights.New(insights.Config{Store: s})
	a.Analytics = analytics.New(analytics.Config{Store: s})
	a.Views = views.New(s, nil)
	if len(cfg.EncryptionKey) > 0 {
		if a.Whop, err = a.newWhop(ctx); err != nil {
			s.Close()
			return nil, err
		}
		if err := whopsync.Register(reg, a.Whop, 0); err != nil {
			s.Close()
			return nil, err
		}
		if a.Webhooks, err = a.newWebhooks(p.Demo); err != nil {
			s.Close()
			return nil, err
		}
		a.Bus.Subscribe(a.Webhooks.Dispatch)
		if err := webhooks.Register(reg, a.Webhooks); err != nil {
			s.Close()
			return nil, err
		}
		if a.Contracts, err = a.newContracts(); err != nil {
			s.Close()
			return nil, err
		}
		if err := contracts.Register(reg, a.Contracts); err != nil {
			s.Close()
			return nil, err
		}
	}
	if err := a.Queue.Open(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("app: job queue: %w", err)
	}
	return a, nil
}

// openWorkflows builds the workflow engine, subscribes it to committed
// record events and registers its jobs. HTTP_REQUEST steps go through the
// SSRF-guarded client (ROSTER_ALLOW_PRIVATE_NETWORK=true lets them reach
// private addresses).
func (a *App) openWorkflows(reg *jobs.Registry) error {
	var err error
	if a.AI, err = a.newAI(); err != nil {
		return err
	}
	a.Workflows, err = workflow.New(workflow.Config{
		Store: a.Store, Records: a.Records, Queue: a.Queue, Mail: a.Mail, Metrics: a.Metrics, Logger: a.Logger,
		HTTPClient: netguard.NewClient(netguard.Options{AllowPrivate: netguard.AllowPrivateFromEnv()}),
	})
	if err != nil {
		return fmt.Errorf("app: workflows: %w", err)
	}
	if err := ai.RegisterSteps(a.Workflows.Registry(), a.AI); err != nil {
		return fmt.Errorf("app: ai steps: %w", err)
	}
	ai.RegisterTemplates()
	a.Bus.Subscribe(a.Workflows.Subscriber())
	a.WhopEvents = &whopsync.DomainEvents{}
	a.WhopEvents.Subscribe(a.Workflows.WhopSubscriber())
	if err := whopsync.RegisterDomainEvents(reg, a.WhopEvents); err != nil {
		return err
	}
	return workflow.Register(reg, a.Workflows)
}

// newAI builds the AI service from AI_PROVIDER and the provider keys.
// Provider calls go to the configured base URLs only (set by the operator,
// so a local OPENAI_BASE_URL such as Ollama's is allowed).
func (a *App) newAI() (*ai.Service, error) {
	cfg := ai.Config{Store: a.Store, Records: a.Records, AI: a.Config.AI, Logger: a.Logger}
	if len(a.Config.EncryptionKey) > 0 {
		sealer, err := a.sealer()
		if err != nil {
			return nil, err
		}
		cfg.Sealer = sealer
	}
	a.Logger.Info("ai", "config", a.Config.AI)
	return ai.New(cfg), nil
}

// newWhop builds the Whop integration from the configuration.
func (a *App) newWhop(ctx context.Context) (*whopsync.Service, error) {
	cfg := a.Config
	sealer, err := a.sealer()
	if err != nil {
		return nil, err
	}
	var cache whopsync.Cache
	if cfg.RedisURL != "" {
		rc, err := whopsync.NewRedisCache(ctx, cfg.RedisURL, 24*time.Hour)
		if err != nil {
			return nil, fmt.Errorf("app: REDIS_URL: %w", err)
		}
		cache = rc
	}
	return whopsync.New(whopsync.Config{
		Store: a.Store, Records: a.Records, Queue: a.Queue, Sealer: sealer, Audit: a.Audit,
		APIBaseURL: cfg.WhopAPIBaseURL, OAuthBaseURL: cfg.WhopOAuthBaseURL, APIVersionDate: cfg.WhopAPIVersionDate,
		ClientID: cfg.WhopClientID, ClientSecret: cfg.WhopClientSecret, CallbackURL: cfg.WhopCallbackURL,
		WebhookSecret: cfg.WhopWebhookSecret, BaseURL: cfg.BaseURL, AllowedWebhookCIDRs: cfg.WhopWebhookAllowedCIDRs,
		RatePerMinute: cfg.WhopRatePerMinute, Metrics: a.Metrics, Cache: cache, Logger: a.Logger, DomainEvents: a.WhopEvents,
	})
}

// newWebhooks builds the outgoing webhooks service. Targets on private
// networks need ROSTER_ALLOW_PRIVATE_NETWORK=true (or the demo).
func (a *App) newWebhooks(demo bool) (*webhooks.Service, error) {
	sealer, err := a.sealer()
	if err != nil {
		return nil, err
	}
	return webhooks.New(webhooks.Config{
		Store: a.Store, Records: a.Records, Queue: a.Queue, Sealer: sealer, Mail: a.Mail, Audit: a.Audit,
		AllowPrivate: demo || netguard.AllowPrivateFromEnv(), BaseURL: a.Config.BaseURL, Logger: a.Logger,
	}), nil
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
