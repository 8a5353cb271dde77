package ai

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/ratelimit"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/store"
)

// Defaults of the limits.
const (
	// DefaultRatePerMinute is how many calls one workspace may make per
	// minute unless its settings say otherwise.
	DefaultRatePerMinute = 60
	// CallTimeout bounds one provider call, retries included.
	CallTimeout = 60 * time.Second
	// anthropicMaxTokens is the largest output cap the Anthropic SDK sends
	// without streaming; larger values are refused before any request.
	anthropicMaxTokens = 21333
)

// Config wires a Service.
type Config struct {
	Store   *store.Store
	Records *records.Service
	// AI is the server's configuration (environment); a workspace admin can
	// override provider, model and key in Settings -> AI.
	AI config.AI
	// Sealer seals workspace API keys; nil refuses to store one.
	Sealer *secret.Sealer
	// HTTPClient carries provider calls (tests pass one whose transport
	// fails on use to prove the offline provider never touches the
	// network); nil means a client with CallTimeout.
	HTTPClient *http.Client
	// MaxRetries is how many times a rate-limited or failing call is
	// retried (0: 2, negative: none).
	MaxRetries int
	Now        func() time.Time
	Logger     *slog.Logger
}

// Service runs the AI actions. It is safe for concurrent use.
type Service struct {
	cfg     Config
	store   *store.Store
	records *records.Service
	http    *http.Client
	now     func() time.Time
	log     *slog.Logger

	mu      sync.Mutex
	windows map[int]*ratelimit.Window // by calls per minute
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.AI.MaxTokens <= 0 {
		cfg.AI.MaxTokens = config.DefaultAIMaxTokens
	}
	if cfg.AI.Provider == "" {
		cfg.AI.Provider = ProviderOffline
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 2
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: CallTimeout}
	}
	return &Service{
		cfg: cfg, store: cfg.Store, records: cfg.Records, http: client, log: cfg.Logger,
		now: func() time.Time { return now().UTC().Truncate(time.Microsecond) }, windows: map[int]*ratelimit.Window{},
	}
}

// Call says who runs an action: the workspace, and the user or workflow
// run it is for (both optional), as the usage row records them.
type Call struct {
	WorkspaceID   string
	UserID        *string
	WorkflowRunID *string
	// SenderName signs drafts (the user's name).
	SenderName string
}

// effective is the configuration one call runs with: the server's, with
// the workspace's overrides.
type effective struct {
	provider      string
	model         string
	key           string
	baseURL       string
	maxTokens     int
	budgetMicros  *int64
	ratePerMinute int
	redact        bool
}

// effective resolves the workspace's settings over the server's.
func (s *Service) effective(ctx context.Context, ws string) (*effective, error) {
	e := &effective{provider: s.cfg.AI.Provider, model: s.cfg.AI.Model, maxTokens: s.cfg.AI.MaxTokens, ratePerMinute: DefaultRatePerMinute, redact: true}
	st, err := s.store.AISettingsGet(ctx, ws)
	if err != nil {
		return nil, err
	}
	var wsKey string
	if st != nil {
		if st.APIKeySealed != "" {
			k, err := s.openKey(ws, st.APIKeySealed)
			if err != nil {
				return nil, err
			}
			wsKey = k
		}
		if st.Provider != "" {
			e.provider = st.Provider
			if st.Provider != s.cfg.AI.Provider {
				e.model = "" // the server's model belongs to the server's provider
			}
		}
		if st.Model != "" {
			e.model = st.Model
		}
		e.budgetMicros, e.redact = st.MonthlyBudgetMicros, st.RedactPII
		if st.RatePerMinute > 0 {
			e.ratePerMinute = st.RatePerMinute
		}
	}
	switch e.provider {
	case ProviderOpenAI:
		e.key, e.baseURL = s.cfg.AI.OpenAIAPIKey, s.cfg.AI.OpenAIBaseURL
		if e.model == "" {
			e.model = DefaultOpenAIModel
		}
	case ProviderAnthropic:
		e.key, e.baseURL = s.cfg.AI.AnthropicAPIKey, s.cfg.AI.AnthropicBaseURL
		if e.model == "" {
			e.model = DefaultAnthropicModel
		}
		e.maxTokens = min(e.maxTokens, anthropicMaxTokens)
	}
	if wsKey != "" {
		e.key = wsKey
	}
	return e, nil
}

// provider builds the provider for a call. A cloud provider without a key
// is an error, never a call.
func (s *Service) provider(e *effective) (Provider, error) {
	switch e.provider {
	case ProviderOffline:
		return offline{}, nil
	case ProviderOpenAI:
		if e.key == "" {
			return nil, &Error{Status: StatusError, Code: "NO_API_KEY", Provider: e.provider, Message: "no API key is configured: set OPENAI_API_KEY or a workspace key in Settings -> AI"}
		}
		return newOpenAI(e.key, e.baseURL, s.http, s.cfg.MaxRetries), nil
	case ProviderAnthropic:
		if e.key == "" {
			return nil, &Error{Status: StatusError, Code: "NO_API_KEY", Provider: e.provider, Message: "no API key is configured: set ANTHROPIC_API_KEY or a workspace key in Settings -> AI"}
		}
		return newAnthropic(e.key, e.baseURL, s.http, s.cfg.MaxRetries), nil
	}
	return nil, crm.Invalid("provider", crm.CodeInvalidEnum, "unknown AI provider %q", e.provider)
}

// window returns the rate limiter for a calls-per-minute limit.
func (s *Service) window(perMinute int) *ratelimit.Window {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.windows[perMinute]
	if !ok {
		w = ratelimit.New(perMinute, time.Minute)
		s.windows[perMinute] = w
	}
	return w
}

// keyAD binds a sealed key to its workspace.
func keyAD(ws string) []byte { return []byte("ai_settings.api_key_sealed:" + ws) }

func (s *Service) openKey(ws, sealed string) (string, error) {
	if s.cfg.Sealer == nil {
		return "", fmt.Errorf("ai: the workspace's API key is sealed but no encryption key is configured")
	}
	b, err := s.cfg.Sealer.Open(sealed, keyAD(ws))
	if err != nil {
		return "", fmt.Errorf("ai: open the workspace's API key: %w", err)
	}
	return string(b), nil
}
