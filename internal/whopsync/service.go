// Package whopsync keeps a workspace's CRM in step with its Whop company:
// connecting (OAuth or a company API key, credentials sealed at rest), full
// and resumable syncs run as jobs, the webhook intake with its durable inbox,
// event processing, scheduled reconciliation and the audit trail of all of
// it. It writes CRM records only through the records service.
package whopsync

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/ratelimit"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/whop"
)

// Config wires a Service.
type Config struct {
	Store   *store.Store
	Records *records.Service
	// Queue takes sync and webhook jobs in the caller's transaction (a
	// prepared jobs.Queue is fine: it is only used once opened). Nil means
	// nothing is enqueued: CLI commands run the sync themselves.
	Queue  records.Enqueuer
	Sealer *secret.Sealer
	// Audit records the integration's entries; nil means one over Store.
	Audit *audit.Service
	// API and OAuth endpoints and credentials of the Whop app.
	APIBaseURL     string
	OAuthBaseURL   string
	APIVersionDate string
	ClientID       string
	ClientSecret   string
	CallbackURL    string // AUTH_WHOP_CALLBACK_URL; its path is served
	// WebhookSecret is the deployment-wide fallback (WHOP_WEBHOOK_SECRET).
	WebhookSecret string
	// BaseURL is Roster's public URL, for the webhook URL shown to admins.
	BaseURL string
	// AllowedWebhookCIDRs, when set, rejects webhooks from other addresses.
	AllowedWebhookCIDRs []string
	// RatePerMinute overrides the client's per-endpoint limit (negative: off,
	// for the simulator).
	RatePerMinute int
	// BaseBackoff and MaxBackoff shape the client's retry waits (zero: the
	// client's defaults); tests shorten them.
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	// SyncSlice is how long a sync job's attempt works before continuing
	// in a fresh one (zero: DefaultSyncSlice); tests shorten it.
	SyncSlice  time.Duration
	HTTPClient *http.Client
	Metrics    prometheus.Registerer
	Cache      Cache
	// DomainEvents, when set, receives every applied Whop event (see
	// DomainEvent); workflow triggers subscribe to it.
	DomainEvents *DomainEvents
	Logger       *slog.Logger
	Now          func() time.Time
}

// Service is the Whop integration. It is safe for concurrent use.
type Service struct {
	cfg      Config
	store    *store.Store
	records  *records.Service
	auditLog *audit.Service
	log      *slog.Logger
	now      func() time.Time
	cache    Cache
	allowed  []netip.Prefix

	queue records.Enqueuer // nil: the CLI works syncs itself
	// domainEvents is cfg.DomainEvents: nil emits nothing.
	domainEvents *DomainEvents
	triggers     *ratelimit.Window
	inbox        *inboxBatcher
	clients      sync.Map // workspace ID -> *whop.Client (rebuilt when the connection changes)
}

// New returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SyncSlice <= 0 {
		cfg.SyncSlice = DefaultSyncSlice
	}
	if cfg.Cache == nil {
		cfg.Cache = NewMemoryCache(24*time.Hour, cfg.Now)
	}
	allowed, err := parseCIDRs(cfg.AllowedWebhookCIDRs)
	if err != nil {
		return nil, err
	}
	if cfg.Audit == nil {
		cfg.Audit = audit.New(audit.Config{Store: cfg.Store, Now: cfg.Now})
	}
	s := &Service{
		cfg: cfg, store: cfg.Store, records: cfg.Records, auditLog: cfg.Audit, queue: cfg.Queue, log: cfg.Logger, cache: cfg.Cache, allowed: allowed,
		now:      func() time.Time { return cfg.Now().UTC() },
		triggers: ratelimit.New(6, time.Minute),
	}
	s.inbox = &inboxBatcher{s: s}
	s.domainEvents = cfg.DomainEvents
	return s, nil
}

// systemActor is how the integration appears in createdBy and timelines.
var systemActor = crm.Actor{Source: crm.SourceSystem, Name: "Whop"}

// Sealed columns are bound to their row: the associated data names the
// column and the workspace, so a ciphertext copied elsewhere does not open.
func ad(column, workspaceID string) []byte {
	return []byte("whop_connections." + column + ":" + workspaceID)
}

func (s *Service) seal(column, workspaceID, plaintext string) (string, error) {
	if plaintext == "" {
		return "", nil
	}
	v, err := s.cfg.Sealer.Seal([]byte(plaintext), ad(column, workspaceID))
	if err != nil {
		return "", fmt.Errorf("whopsync: seal %s: %w", column, err)
	}
	return v, nil
}

func (s *Service) open(column, workspaceID, sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	b, err := s.cfg.Sealer.Open(sealed, ad(column, workspaceID))
	if err != nil {
		return "", fmt.Errorf("whopsync: open %s: %w", column, err)
	}
	return string(b), nil
}

// auditActor is how the integration appears in the audit log.
var auditActor = audit.System("Whop")

// audit records an entry of the integration in the workspace's audit log:
// inside tx, the transaction of the change it describes, or on its own when
// tx is nil (a refused webhook changes nothing else).
func (s *Service) audit(ctx context.Context, tx *sql.Tx, workspaceID string, action audit.Action, actor audit.Actor, details map[string]any) error {
	e := audit.Entry{Action: action, Actor: actor, Details: details}
	if tx == nil {
		return s.auditLog.Record(ctx, workspaceID, e)
	}
	return s.auditLog.RecordTx(ctx, tx, workspaceID, e)
}

// oauth returns the OAuth client of the Whop app.
func (s *Service) oauth() *whop.OAuth {
	return whop.NewOAuth(whop.OAuthConfig{BaseURL: s.cfg.OAuthBaseURL, ClientID: s.cfg.ClientID, ClientSecret: s.cfg.ClientSecret, HTTPClient: s.cfg.HTTPClient})
}
