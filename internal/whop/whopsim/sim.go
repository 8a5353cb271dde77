package whopsim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"
)

// Last-page conventions for LastPageStyle. Whop's SDKs stop paging on an
// empty end_cursor; whether the real last page carries a null cursor or a
// cursor with has_next_page:false is not confirmed, so both are offered.
const (
	LastPageNullCursor   = "null_cursor"
	LastPageHasNextFalse = "has_next_false"
)

// Webhook modes for WebhookTarget.Mode.
const (
	WebhookModeV1     = "v1"
	WebhookModeLegacy = "legacy_v5"
)

// Permission scopes the simulator checks. A credential whose Scopes list is
// nil holds AllScopes.
const (
	ScopeMemberRead  = "member:basic:read"
	ScopeEmailRead   = "member:email:read"
	ScopeProductRead = "access_pass:basic:read"
	ScopePlanRead    = "plan:basic:read"
	ScopePaymentRead = "payment:basic:read"
)

// AllScopes is what a credential holds when its Scopes are left nil.
var AllScopes = []string{ScopeMemberRead, ScopeEmailRead, ScopeProductRead, ScopePlanRead, ScopePaymentRead, ScopeWebhookManage}

// APIKey is a company API key: a bearer token bound to one company.
type APIKey struct {
	Key       string
	CompanyID string
	// Scopes the key holds; nil means AllScopes. Leave out ScopeEmailRead to
	// see null emails, as Whop returns without member:email:read.
	Scopes []string
}

// OAuthClient is a registered Whop app that may run the authorization code
// flow. An empty Secret makes a public client (PKCE only).
type OAuthClient struct {
	ID           string
	Secret       string
	RedirectURIs []string
	// Scopes are the Whop permissions granted to tokens of this app; nil
	// means AllScopes.
	Scopes []string
}

// WebhookTarget is one receiver of webhooks.
type WebhookTarget struct {
	URL string
	// Secret is the ws_-prefixed secret as the Whop dashboard shows it; its
	// raw UTF-8 bytes are the HMAC key.
	Secret string
	// Mode is WebhookModeV1 (default) or WebhookModeLegacy.
	Mode string
}

// Config configures a simulator. The zero value is usable: real clock, rate
// limit 600/min, null-cursor last pages, no credentials.
type Config struct {
	// Clock is the simulator's notion of now: token expiry, rate-limit
	// windows, webhook timestamps and mutation times all read it.
	Clock func() time.Time
	// Seed makes generated data and mutations reproducible.
	Seed uint64
	// RateLimit is requests per minute per endpoint per credential; 0 means
	// the default 600, a negative value turns limiting off.
	RateLimit int
	// RetryAfterHeader adds a Retry-After header to 429 answers (Whop does
	// not document one for REST; off by default).
	RetryAfterHeader bool
	// LastPageStyle is LastPageNullCursor (default) or LastPageHasNextFalse.
	LastPageStyle  string
	APIKeys        []APIKey
	OAuthClients   []OAuthClient
	WebhookTargets []WebhookTarget
	// AutoApprove answers /oauth/authorize without the consent page:
	// "approve" or "deny"; empty shows the page.
	AutoApprove string
	// RetryScale multiplies Whop's webhook retry delays (10 s, 20 s, 40 s);
	// 0 means 1. Tests use e.g. 0.001.
	RetryScale float64
	// WebhookTimeout bounds one delivery attempt; 0 means 10 s.
	WebhookTimeout time.Duration
	// Faults are active from the start; see SetFaults.
	Faults Faults
	// Logf, when set, receives one line per webhook delivery failure. It
	// never receives secrets.
	Logf func(format string, args ...any)
}

// Sim is a running Whop simulator. All methods are safe for concurrent use.
type Sim struct {
	cfg   Config
	clock func() time.Time
	mux   *http.ServeMux

	mu     sync.RWMutex // guards st
	st     *state
	mutRNG *rand.Rand // mutation choices, separate from generation

	authMu  sync.Mutex // guards keys, clients and OAuth state
	keys    map[string]APIKey
	clients map[string]OAuthClient
	oauth   *oauthState

	reqMu    sync.Mutex
	requests map[string]int
	limiter  *rateLimiter

	faultMu sync.Mutex
	faults  Faults
	burstN  int // 5xx answers given in the current burst, to cycle statuses

	hooks    *emitter
	registry registry // webhooks registered through the API (webhooks_api.go)

	srvMu sync.Mutex
	srv   *http.Server
	ln    net.Listener
}

// New returns a simulator with empty state; call Generate to fill it.
func New(cfg Config) *Sim {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.LastPageStyle == "" {
		cfg.LastPageStyle = LastPageNullCursor
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = 600
	}
	if cfg.RetryScale == 0 {
		cfg.RetryScale = 1
	}
	if cfg.WebhookTimeout == 0 {
		cfg.WebhookTimeout = 10 * time.Second
	}
	s := &Sim{
		cfg:      cfg,
		clock:    cfg.Clock,
		st:       newState(cfg.Seed),
		mutRNG:   rand.New(rand.NewPCG(cfg.Seed+1, 0x5eed)),
		keys:     map[string]APIKey{},
		clients:  map[string]OAuthClient{},
		oauth:    newOAuthState(),
		requests: map[string]int{},
		limiter:  newRateLimiter(),
		faults:   cfg.Faults,
	}
	for _, k := range cfg.APIKeys {
		s.keys[k.Key] = k
	}
	for _, c := range cfg.OAuthClients {
		s.clients[c.ID] = c
	}
	s.hooks = newEmitter(s, cfg.WebhookTargets)
	s.mux = s.routes()
	s.webhookRoutes(s.mux)
	return s
}

// Handler returns the simulator's HTTP handler: /api/v1/..., /oauth/...
func (s *Sim) Handler() http.Handler { return s.mux }

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background.
// It returns the base URL, e.g. "http://127.0.0.1:41234".
func (s *Sim) Start(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("whopsim: listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second}
	s.srvMu.Lock()
	s.srv, s.ln = srv, ln
	s.srvMu.Unlock()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && s.cfg.Logf != nil {
			s.cfg.Logf("whopsim: serve: %v", err)
		}
	}()
	return "http://" + ln.Addr().String(), nil
}

// Close stops the server started by Start (if any) and abandons pending
// webhook retries.
func (s *Sim) Close() error {
	s.hooks.close()
	s.srvMu.Lock()
	srv := s.srv
	s.srv = nil
	s.srvMu.Unlock()
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(ctx)
}

// AddAPIKey registers a company API key at run time.
func (s *Sim) AddAPIKey(k APIKey) {
	s.authMu.Lock()
	defer s.authMu.Unlock()
	s.keys[k.Key] = k
}

// AddOAuthClient registers an OAuth app at run time.
func (s *Sim) AddOAuthClient(c OAuthClient) {
	s.authMu.Lock()
	defer s.authMu.Unlock()
	s.clients[c.ID] = c
}

// SetAutoApprove changes Config.AutoApprove at run time.
func (s *Sim) SetAutoApprove(mode string) {
	s.authMu.Lock()
	defer s.authMu.Unlock()
	s.cfg.AutoApprove = mode
}

// Requests returns how many requests reached endpoint, named by its route
// pattern (see the Endpoint constants), whatever their outcome.
func (s *Sim) Requests(endpoint string) int {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	return s.requests[endpoint]
}

// ResetRequests zeroes the request counters.
func (s *Sim) ResetRequests() {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	clear(s.requests)
}

func (s *Sim) countRequest(endpoint string) {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	s.requests[endpoint]++
}

// Counts is the number of records of each kind the simulator holds.
type Counts struct {
	Companies, Users, Members, Products, Plans, Memberships, Payments, Refunds int
}

// Counts returns the current record counts.
func (s *Sim) Counts() Counts {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.st
	return Counts{
		Companies: len(st.companies), Users: len(st.users.rows), Members: len(st.members.rows),
		Products: len(st.products.rows), Plans: len(st.plans.rows),
		Memberships: len(st.memberships.rows), Payments: len(st.payments.rows),
		Refunds: len(st.refunds.rows),
	}
}

// MembershipStatus returns a membership's current status, for tests that
// compare a synced copy with the simulator's truth.
func (s *Sim) MembershipStatus(id string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.st.memberships.get(id)
	if !ok {
		return "", false
	}
	return m.Status, true
}

func (s *Sim) logf(format string, args ...any) {
	if s.cfg.Logf != nil {
		s.cfg.Logf(format, args...)
	}
}
