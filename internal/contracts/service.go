package contracts

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/store"
)

// Config wires a Service.
type Config struct {
	Store   *store.Store
	Records *records.Service
	Mail    *mail.Service
	// Sealer seals signing links and the seal key at rest.
	Sealer *secret.Sealer
	// BaseURL is Roster's public address; signing links start with it.
	BaseURL string
	// SealCertificatePEM and SealKeyPEM, when both set, are the server
	// certificate (with its chain) and private key every workspace's PDFs
	// are sealed with (production: a certificate from a CA readers trust).
	// Otherwise each workspace gets a self-signed certificate on first use.
	SealCertificatePEM []byte
	SealKeyPEM         []byte
	// TSAURL is an optional RFC 3161 timestamp authority for the seal.
	TSAURL string
	// DefaultProvider is the provider of a workspace that chose none
	// (ESIGN_PROVIDER); builtin when empty or not configured.
	DefaultProvider string
	// Providers are the third-party e-signature adapters by name; the
	// built-in provider needs none.
	Providers map[string]Provider
	// HTTPClient fetches from providers; nil means http.DefaultClient.
	HTTPClient *http.Client
	// OnEvent, when set, is told of each contract event after it commits
	// (workflow triggers).
	OnEvent func(ctx context.Context, n Notice)
	Now     func() time.Time
	Logger  *slog.Logger
}

// Notice is a committed contract change, as workflow triggers see it.
type Notice struct {
	WorkspaceID string
	// Name is contract.sent, viewed, signed, declined, expired or voided.
	Name       string
	ContractID string
	SignerID   string
}

// Service is the contracts service. It is safe for concurrent use.
type Service struct {
	cfg Config
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.Providers[cfg.DefaultProvider] == nil {
		cfg.DefaultProvider = ProviderBuiltin
	}
	return &Service{cfg: cfg}
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Microsecond) }

// Visit is who is at the other end of a public request: the signer's
// address and browser, recorded on every event they cause.
type Visit struct {
	IP        string
	UserAgent string
}

// event appends one entry to the contract's audit trail.
func (s *Service) event(ctx context.Context, tx *sql.Tx, c *Contract, g *Signer, typ, actor, detail string, v Visit, at time.Time) error {
	e := &Event{ID: crm.NewID(), WorkspaceID: c.WorkspaceID, ContractID: c.ID, Type: typ, At: at, Actor: actor,
		IP: v.IP, UserAgent: v.UserAgent, Detail: detail}
	if g != nil {
		e.SignerID = &g.ID
		if actor == "" {
			e.Actor = g.Name + " <" + g.Email + ">"
		}
	}
	return s.cfg.Store.ContractEventInsert(ctx, tx, e)
}

// notify tells the workflow triggers about committed changes.
func (s *Service) notify(ctx context.Context, ns []Notice) {
	if s.cfg.OnEvent == nil {
		return
	}
	// The change is committed: telling the triggers outlives a request
	// the signer abandoned.
	ctx = context.WithoutCancel(ctx)
	for _, n := range ns {
		s.cfg.OnEvent(ctx, n)
	}
}
