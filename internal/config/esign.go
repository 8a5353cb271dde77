package config

import (
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
)

// ESign configures contract signing (ESIGN_*).
type ESign struct {
	// Provider is the default provider of new workspaces: builtin,
	// docusign or dropboxsign (ESIGN_PROVIDER, default builtin).
	Provider string
	// ClientID, ClientSecret: DocuSign's integration key and secret
	// (ESIGN_CLIENT_ID, ESIGN_CLIENT_SECRET).
	ClientID     string
	ClientSecret string
	// WebhookSecret is DocuSign's Connect HMAC key (ESIGN_WEBHOOK_SECRET);
	// Dropbox Sign signs its callbacks with the API key.
	WebhookSecret string
	// APIKey is Dropbox Sign's API key (ESIGN_API_KEY).
	APIKey string
	// BaseURL is the provider's API base with its version path
	// (ESIGN_BASE_URL), e.g. https://api.hellosign.com/v3.
	BaseURL string
	// DocuSign JWT grant: the OAuth host (ESIGN_OAUTH_BASE_URL, default
	// https://account-d.docusign.com), the account and the impersonated
	// user (ESIGN_ACCOUNT_ID, ESIGN_USER_ID) and the integration's RSA key
	// in PEM (ESIGN_RSA_PRIVATE_KEY_FILE).
	OAuthBaseURL  string
	AccountID     string
	UserID        string
	RSAPrivateKey []byte
	// SealCertificate and SealKey are the PEM certificate chain and key
	// that seal signed PDFs (ESIGN_SEAL_CERT_FILE, ESIGN_SEAL_KEY_FILE);
	// without them each workspace gets a self-signed certificate.
	SealCertificate []byte
	SealKey         []byte
	// TSAURL is an optional RFC 3161 timestamp authority (ESIGN_TSA_URL).
	TSAURL string
}

// LogValue leaves the secrets out of any log line.
func (e ESign) LogValue() slog.Value {
	return slog.GroupValue(slog.String("provider", e.Provider), slog.String("base_url", e.BaseURL),
		slog.Bool("seal_certificate_configured", len(e.SealCertificate) > 0))
}

func loadESign(getenv Getenv) (ESign, error) {
	e := ESign{
		Provider:      strings.ToLower(strings.TrimSpace(getenv("ESIGN_PROVIDER"))),
		ClientID:      strings.TrimSpace(getenv("ESIGN_CLIENT_ID")),
		ClientSecret:  getenv("ESIGN_CLIENT_SECRET"),
		WebhookSecret: getenv("ESIGN_WEBHOOK_SECRET"),
		APIKey:        strings.TrimSpace(getenv("ESIGN_API_KEY")),
		BaseURL:       strings.TrimRight(strings.TrimSpace(getenv("ESIGN_BASE_URL")), "/"),
		OAuthBaseURL:  strings.TrimRight(strings.TrimSpace(getenv("ESIGN_OAUTH_BASE_URL")), "/"),
		AccountID:     strings.TrimSpace(getenv("ESIGN_ACCOUNT_ID")),
		UserID:        strings.TrimSpace(getenv("ESIGN_USER_ID")),
		TSAURL:        strings.TrimSpace(getenv("ESIGN_TSA_URL")),
	}
	for _, u := range []struct{ name, v string }{{"ESIGN_BASE_URL", e.BaseURL}, {"ESIGN_OAUTH_BASE_URL", e.OAuthBaseURL}, {"ESIGN_TSA_URL", e.TSAURL}} {
		if u.v == "" {
			continue
		}
		if p, err := url.Parse(u.v); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return ESign{}, fmt.Errorf("config: %s %q must be an http(s) URL", u.name, u.v)
		}
	}
	switch e.Provider {
	case "":
		e.Provider = "builtin"
	case "builtin":
	case "dropboxsign":
		if e.APIKey == "" {
			return ESign{}, fmt.Errorf("config: ESIGN_API_KEY is required with ESIGN_PROVIDER=dropboxsign")
		}
		if e.BaseURL == "" {
			e.BaseURL = "https://api.hellosign.com/v3"
		}
	case "docusign":
		for _, v := range []struct{ name, v string }{{"ESIGN_CLIENT_ID", e.ClientID}, {"ESIGN_ACCOUNT_ID", e.AccountID},
			{"ESIGN_USER_ID", e.UserID}, {"ESIGN_WEBHOOK_SECRET", e.WebhookSecret}, {"ESIGN_BASE_URL", e.BaseURL}} {
			if v.v == "" {
				return ESign{}, fmt.Errorf("config: %s is required with ESIGN_PROVIDER=docusign", v.name)
			}
		}
		if e.OAuthBaseURL == "" {
			e.OAuthBaseURL = "https://account-d.docusign.com"
		}
	default:
		return ESign{}, fmt.Errorf("config: ESIGN_PROVIDER must be builtin, docusign or dropboxsign, got %q", e.Provider)
	}
	read := func(name string) ([]byte, error) {
		path := strings.TrimSpace(getenv(name))
		if path == "" {
			return nil, nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config: %s: cannot read %s: %v", name, path, err)
		}
		return b, nil
	}
	var err error
	if e.RSAPrivateKey, err = read("ESIGN_RSA_PRIVATE_KEY_FILE"); err != nil {
		return ESign{}, err
	}
	if e.Provider == "docusign" && len(e.RSAPrivateKey) == 0 {
		return ESign{}, fmt.Errorf("config: ESIGN_RSA_PRIVATE_KEY_FILE is required with ESIGN_PROVIDER=docusign")
	}
	if e.SealCertificate, err = read("ESIGN_SEAL_CERT_FILE"); err != nil {
		return ESign{}, err
	}
	if e.SealKey, err = read("ESIGN_SEAL_KEY_FILE"); err != nil {
		return ESign{}, err
	}
	if (len(e.SealCertificate) == 0) != (len(e.SealKey) == 0) {
		return ESign{}, fmt.Errorf("config: ESIGN_SEAL_CERT_FILE and ESIGN_SEAL_KEY_FILE must be set together")
	}
	return e, nil
}
