// Package config loads Roster's settings from the environment once, validates
// them, and hands them around by value. Nothing else reads the environment.
package config

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Config is every setting a Roster process needs. It is loaded once by Load and
// passed by value; no package keeps a global copy.
type Config struct {
	// DataDir holds the SQLite file and other local state (ROSTER_DATA_DIR).
	DataDir string
	// DatabaseURL selects PostgreSQL when it starts with postgres:// or
	// postgresql:// (DATABASE_URL); empty means SQLite in DataDir.
	DatabaseURL string
	// Addr is the host:port the HTTP server listens on (ROSTER_ADDR).
	Addr string
	// BaseURL is the public URL of this deployment, used in links (ROSTER_BASE_URL).
	BaseURL string
	// EncryptionKey is the 32-byte key that seals secrets at rest
	// (ROSTER_ENCRYPTION_KEY, base64). EncryptionKeyGenerated reports that a
	// development key was made up because --demo was given.
	EncryptionKey          []byte
	EncryptionKeyGenerated bool
	// OldEncryptionKeys still open secrets sealed before a key rotation
	// (ROSTER_ENCRYPTION_OLD_KEYS, comma-separated base64 keys); new secrets
	// are always sealed under EncryptionKey.
	OldEncryptionKeys [][]byte
	// MetricsAddr, when set, serves /metrics (and only the probes beside
	// it) on a listen address of its own, e.g. one only the monitoring
	// network reaches (ROSTER_METRICS_ADDR, host:port).
	MetricsAddr string
	// MetricsToken, when set, also serves /metrics on the main address to
	// requests bearing it (ROSTER_METRICS_TOKEN). With neither set,
	// /metrics is not served at all.
	MetricsToken string
	// RedisURL enables the shared cache when set (REDIS_URL).
	RedisURL string
	// Demo makes start-up forgiving and seeds a demo workspace.
	Demo bool
	// Whop integration settings, used by the Whop packages.
	WhopClientID       string
	WhopClientSecret   string
	WhopCallbackURL    string
	WhopWebhookSecret  string
	WhopAPIBaseURL     string
	WhopOAuthBaseURL   string
	WhopAPIVersionDate string
	// WhopWebhookAllowedCIDRs restricts webhook senders when set
	// (WHOP_WEBHOOK_ALLOWED_IPS, comma-separated addresses or CIDRs).
	WhopWebhookAllowedCIDRs []string
	// WhopRatePerMinute overrides the client's per-endpoint request budget
	// (WHOP_RATE_PER_MINUTE; negative turns client-side limiting off, for the
	// simulator). Zero keeps the default, just under Whop's 600/min.
	WhopRatePerMinute int
	// Email configures the mailer (EMAIL_*).
	Email Email
	// AI configures the AI actions (AI_PROVIDER, OPENAI_*, ANTHROPIC_*,
	// AI_MODEL, AI_MAX_TOKENS).
	AI AI
	// ESign configures contract signing (ESIGN_*).
	ESign ESign
}

// Getenv is the lookup Load uses; tests pass a map-backed one.
type Getenv func(string) string

// Options say how strict Load is.
type Options struct {
	// Demo relaxes the requirement for an encryption key: a development key is
	// generated instead (the app keeps it in the data directory).
	Demo bool
	// KeyOptional lets commands that never touch sealed secrets (migrate,
	// backup, workspace and API key management) run without
	// ROSTER_ENCRYPTION_KEY. A malformed key is still an error.
	KeyOptional bool
}

// Load reads the environment into a Config. The error is one line naming the
// variable and what is wrong with it.
func Load(getenv Getenv, opts Options) (Config, error) {
	demo := opts.Demo
	if getenv == nil {
		getenv = os.Getenv
	}
	c := Config{
		DataDir:            getenv("ROSTER_DATA_DIR"),
		DatabaseURL:        strings.TrimSpace(getenv("DATABASE_URL")),
		Addr:               getenv("ROSTER_ADDR"),
		BaseURL:            strings.TrimRight(getenv("ROSTER_BASE_URL"), "/"),
		RedisURL:           getenv("REDIS_URL"),
		MetricsAddr:        strings.TrimSpace(getenv("ROSTER_METRICS_ADDR")),
		MetricsToken:       strings.TrimSpace(getenv("ROSTER_METRICS_TOKEN")),
		Demo:               demo,
		WhopClientID:       getenv("AUTH_WHOP_CLIENT_ID"),
		WhopClientSecret:   getenv("AUTH_WHOP_CLIENT_SECRET"),
		WhopCallbackURL:    getenv("AUTH_WHOP_CALLBACK_URL"),
		WhopWebhookSecret:  getenv("WHOP_WEBHOOK_SECRET"),
		WhopAPIBaseURL:     getenv("WHOP_API_BASE_URL"),
		WhopOAuthBaseURL:   getenv("WHOP_OAUTH_BASE_URL"),
		WhopAPIVersionDate: getenv("WHOP_API_VERSION_DATE"),
	}
	if c.DataDir == "" {
		c.DataDir = "data"
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return Config{}, fmt.Errorf("config: ROSTER_ADDR %q must be host:port", c.Addr)
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil || c.MetricsAddr == c.Addr {
			return Config{}, fmt.Errorf("config: ROSTER_METRICS_ADDR %q must be a host:port other than ROSTER_ADDR", c.MetricsAddr)
		}
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		return Config{}, fmt.Errorf("config: ROSTER_METRICS_TOKEN must be at least 16 characters (try: openssl rand -hex 16)")
	}
	if c.DatabaseURL != "" && !c.Postgres() {
		return Config{}, fmt.Errorf("config: DATABASE_URL must start with postgres:// or postgresql://")
	}
	if c.WhopAPIBaseURL == "" {
		c.WhopAPIBaseURL = "https://api.whop.com/api/v1"
	}
	if c.WhopOAuthBaseURL == "" {
		c.WhopOAuthBaseURL = "https://api.whop.com"
	}
	for _, raw := range strings.Split(getenv("ROSTER_ENCRYPTION_OLD_KEYS"), ",") {
		if raw = strings.TrimSpace(raw); raw == "" {
			continue
		}
		key, err := base64.StdEncoding.DecodeString(raw)
		if err != nil || len(key) != 32 {
			return Config{}, fmt.Errorf("config: ROSTER_ENCRYPTION_OLD_KEYS must be comma-separated 32-byte keys in base64")
		}
		c.OldEncryptionKeys = append(c.OldEncryptionKeys, key)
	}
	for _, cidr := range strings.Split(getenv("WHOP_WEBHOOK_ALLOWED_IPS"), ",") {
		if cidr = strings.TrimSpace(cidr); cidr != "" {
			c.WhopWebhookAllowedCIDRs = append(c.WhopWebhookAllowedCIDRs, cidr)
		}
	}
	if v := strings.TrimSpace(getenv("WHOP_RATE_PER_MINUTE")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return Config{}, fmt.Errorf("config: WHOP_RATE_PER_MINUTE must be a whole number, got %q", v)
		}
		c.WhopRatePerMinute = n
	}
	email, err := loadEmail(getenv)
	if err != nil {
		return Config{}, err
	}
	c.Email = email
	ai, err := loadAI(getenv)
	if err != nil {
		return Config{}, err
	}
	c.AI = ai
	if c.ESign, err = loadESign(getenv); err != nil {
		return Config{}, err
	}
	if c.WhopAPIVersionDate == "" {
		c.WhopAPIVersionDate = "2025-01-01"
	}
	raw := strings.TrimSpace(getenv("ROSTER_ENCRYPTION_KEY"))
	switch {
	case raw != "":
		key, err := base64.StdEncoding.DecodeString(raw)
		if err != nil || len(key) != 32 {
			return Config{}, fmt.Errorf("config: ROSTER_ENCRYPTION_KEY must be 32 random bytes in base64 (try: openssl rand -base64 32)")
		}
		c.EncryptionKey = key
	case opts.KeyOptional && !demo:
	case demo:
		c.EncryptionKey = make([]byte, 32)
		if _, err := rand.Read(c.EncryptionKey); err != nil {
			return Config{}, fmt.Errorf("config: generate development encryption key: %w", err)
		}
		c.EncryptionKeyGenerated = true
	default:
		return Config{}, fmt.Errorf("config: ROSTER_ENCRYPTION_KEY is not set: it must be 32 random bytes in base64 (try: openssl rand -base64 32), or run with --demo")
	}
	return c, nil
}

// HTTPS reports whether the public URL is https, so browsers may be told
// to use nothing else (Strict-Transport-Security).
func (c Config) HTTPS() bool { return strings.HasPrefix(strings.ToLower(c.BaseURL), "https://") }

// Postgres reports whether the configuration selects PostgreSQL.
func (c Config) Postgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// SQLitePath is the database file used when PostgreSQL is not selected.
func (c Config) SQLitePath() string {
	return filepath.Join(c.DataDir, "roster.db")
}
