package webhooks

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/netguard"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/store"
)

// Timeout bounds one delivery attempt, answer included.
const Timeout = 10 * time.Second

// Enqueuer inserts jobs in the caller's transaction (jobs.Queue).
type Enqueuer interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error
}

// Config wires a Service.
type Config struct {
	Store   *store.Store
	Records *records.Service
	Queue   Enqueuer
	Sealer  *secret.Sealer
	// Mail tells the admins when a webhook is disabled; nil only tells the
	// log.
	Mail *mail.Service
	// Audit records who created, changed and deleted webhooks, and when
	// Roster disabled one, in the change's transaction; nil records nothing.
	Audit *audit.Service
	// AllowPrivate lets targets be on private networks and this machine
	// (ROSTER_ALLOW_PRIVATE_NETWORK); metadata addresses stay refused.
	AllowPrivate bool
	// HTTPClient sends deliveries; nil means a netguard client with Timeout.
	// It must not follow redirects (a 3xx is a failure: the target should
	// update its URL); New makes sure of that.
	HTTPClient *http.Client
	// BaseURL is Roster's public URL, for the settings link in emails.
	BaseURL string
	// Now is the clock (tests move it to cross DisableAfter); nil means
	// time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Service manages webhooks and delivers events to them. It is safe for
// concurrent use.
type Service struct {
	cfg    Config
	store  *store.Store
	client *http.Client
	now    func() time.Time
	log    *slog.Logger
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	client := cfg.HTTPClient
	if client == nil {
		client = netguard.NewClient(netguard.Options{AllowPrivate: cfg.AllowPrivate, Timeout: Timeout})
	}
	// A copy, so the caller's client keeps its own redirect policy.
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Service{
		cfg: cfg, store: cfg.Store, client: &c, log: cfg.Logger,
		now: func() time.Time { return now().UTC().Truncate(time.Microsecond) },
	}
}

// sealAD binds a sealed secret to its webhook: a ciphertext copied onto
// another row or workspace does not open.
func sealAD(workspaceID, webhookID string) []byte {
	return []byte("webhooks.secret_sealed:" + workspaceID + ":" + webhookID)
}

func (s *Service) seal(workspaceID, webhookID string, sec Secret) (string, error) {
	v, err := s.cfg.Sealer.Seal([]byte(sec), sealAD(workspaceID, webhookID))
	if err != nil {
		return "", fmt.Errorf("webhooks: seal secret: %w", err)
	}
	return v, nil
}

func (s *Service) open(w *store.Webhook) (Secret, error) {
	b, err := s.cfg.Sealer.Open(w.SecretSealed, sealAD(w.WorkspaceID, w.ID))
	if err != nil {
		return "", fmt.Errorf("webhooks: open the secret of webhook %s: %w", w.ID, err)
	}
	return Secret(b), nil
}

// RotateSecrets re-seals every webhook secret still under an old key with
// the current one (`roster secrets rotate`) and returns how many it
// re-sealed. The secrets themselves do not change: receivers keep working.
func (s *Service) RotateSecrets(ctx context.Context) (int, error) {
	all, err := s.store.WebhookSealedSecrets(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, w := range all {
		rotated, err := s.cfg.Sealer.Rotate(w.SecretSealed, sealAD(w.WorkspaceID, w.ID))
		if err != nil {
			return n, fmt.Errorf("webhooks: rotate the secret of webhook %s: %w", w.ID, err)
		}
		if rotated == w.SecretSealed {
			continue
		}
		ok, err := s.store.WebhookSetSealedSecret(ctx, w.WorkspaceID, w.ID, w.SecretSealed, rotated)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}
