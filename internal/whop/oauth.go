package whop

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultOAuthBaseURL is where Whop serves /oauth/authorize, /oauth/token,
// /oauth/userinfo and /oauth/revoke.
const DefaultOAuthBaseURL = "https://api.whop.com"

// OAuthConfig wires an OAuth helper.
//
// Why not golang.org/x/oauth2: Whop's token and revoke endpoints take JSON
// bodies, while x/oauth2 only posts form-encoded ones, so its Exchange and
// TokenSource cannot talk to Whop. What remains (PKCE S256, an authorize URL)
// is a dozen lines, so this file carries no dependency at all.
type OAuthConfig struct {
	// BaseURL is WHOP_OAUTH_BASE_URL; default DefaultOAuthBaseURL.
	BaseURL string
	// ClientID is the app ID (app_..., AUTH_WHOP_CLIENT_ID).
	ClientID string
	// ClientSecret is sent only when set (confidential clients).
	ClientSecret string
	// HTTPClient defaults to a client with a 30 s timeout.
	HTTPClient *http.Client
	// Now stamps OAuthToken.Expiry; default time.Now.
	Now func() time.Time
}

// OAuth performs Whop's OAuth 2.1 + PKCE flow for one app.
type OAuth struct {
	base   string
	id     string
	secret string
	http   *http.Client
	now    func() time.Time
}

// NewOAuth returns an OAuth helper.
func NewOAuth(cfg OAuthConfig) *OAuth {
	o := &OAuth{
		base:   strings.TrimRight(cmp(cfg.BaseURL, DefaultOAuthBaseURL), "/"),
		id:     cfg.ClientID,
		secret: cfg.ClientSecret,
		http:   cfg.HTTPClient,
		now:    cfg.Now,
	}
	if o.http == nil {
		o.http = &http.Client{Timeout: 30 * time.Second}
	}
	if o.now == nil {
		o.now = time.Now
	}
	return o
}

// OAuthToken is a token response. Expiry is computed from expires_in when the
// response arrives. Refresh tokens rotate: the RefreshToken here replaces the
// one that was used.
type OAuthToken struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	IDToken      string    `json:"id_token,omitempty"`
	TokenType    string    `json:"token_type"`
	Scope        string    `json:"scope,omitempty"`
	ExpiresIn    int64     `json:"expires_in"`
	Expiry       time.Time `json:"-"`
}

// String never shows the tokens, so a token logged by mistake leaks nothing.
func (t OAuthToken) String() string {
	return fmt.Sprintf("whop.OAuthToken{type=%s expiry=%s}", t.TokenType, t.Expiry.Format(time.RFC3339))
}

// GoString keeps %#v as safe as %v.
func (t OAuthToken) GoString() string { return t.String() }

// UserInfo is the OpenID Connect userinfo answer.
type UserInfo struct {
	Sub               string `json:"sub"` // user_...
	Name              string `json:"name"`
	PreferredUsername string `json:"preferred_username"`
	Picture           string `json:"picture"`
	Email             string `json:"email"`
	EmailVerified     bool   `json:"email_verified"`
}

// AuthorizeParams are the per-request parts of the authorize URL.
type AuthorizeParams struct {
	RedirectURI string
	// Scopes default to openid, profile, email.
	Scopes []string
	// State binds the callback to the session that started it.
	State string
	// Nonce binds the id_token to the request.
	Nonce string
	// CodeChallenge is PKCEChallenge(verifier); the method is always S256.
	CodeChallenge string
	// CompanyID (biz_...) optionally scopes the grant to one company.
	CompanyID string
}

// AuthorizeURL is where to send the person's browser.
func (o *OAuth) AuthorizeURL(p AuthorizeParams) string {
	scopes := p.Scopes
	if len(scopes) == 0 {
		scopes = []string{"openid", "profile", "email"}
	}
	q := url.Values{}
	q.Set("response_type", "code")
	q.Set("client_id", o.id)
	q.Set("redirect_uri", p.RedirectURI)
	q.Set("scope", strings.Join(scopes, " "))
	q.Set("state", p.State)
	if p.Nonce != "" {
		q.Set("nonce", p.Nonce)
	}
	q.Set("code_challenge", p.CodeChallenge)
	q.Set("code_challenge_method", "S256")
	if p.CompanyID != "" {
		q.Set("company_id", p.CompanyID)
	}
	// url.Values encodes spaces as "+"; authorize servers read both, but
	// %20 is what Whop documents.
	return o.base + "/oauth/authorize?" + strings.ReplaceAll(q.Encode(), "+", "%20")
}

// NewPKCEVerifier returns a fresh code verifier: 32 random bytes, base64url
// without padding (43 characters, within RFC 7636's 43-128).
func NewPKCEVerifier() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("whop: pkce verifier: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// PKCEChallenge is the S256 code challenge for verifier.
func PKCEChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// NewState returns a random value for state or nonce.
func NewState() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("whop: random state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// ExchangeCode trades an authorization code for tokens. An invalid code,
// verifier or redirect URI comes back as *OAuthError (invalid_grant).
func (o *OAuth) ExchangeCode(ctx context.Context, code, verifier, redirectURI string) (*OAuthToken, error) {
	body := map[string]string{
		"grant_type":    "authorization_code",
		"code":          code,
		"redirect_uri":  redirectURI,
		"client_id":     o.id,
		"code_verifier": verifier,
	}
	if o.secret != "" {
		body["client_secret"] = o.secret
	}
	tok, err := o.token(ctx, body)
	if err != nil {
		return nil, fmt.Errorf("whop: exchange code: %w", err)
	}
	return tok, nil
}

// Refresh trades a refresh token for a new pair. Store the returned refresh
// token: the one passed in is spent. A refresh token Whop rejects
// (invalid_grant: revoked, expired, already used) returns a
// *ReauthRequiredError wrapping the *OAuthError.
func (o *OAuth) Refresh(ctx context.Context, refreshToken string) (*OAuthToken, error) {
	body := map[string]string{
		"grant_type":    "refresh_token",
		"refresh_token": refreshToken,
		"client_id":     o.id,
	}
	if o.secret != "" {
		body["client_secret"] = o.secret
	}
	tok, err := o.token(ctx, body)
	if err != nil {
		var oe *OAuthError
		if errors.As(err, &oe) && oe.Code == "invalid_grant" {
			return nil, &ReauthRequiredError{Reason: "refresh token rejected", Err: oe}
		}
		return nil, fmt.Errorf("whop: refresh token: %w", err)
	}
	return tok, nil
}

func (o *OAuth) token(ctx context.Context, body map[string]string) (*OAuthToken, error) {
	status, raw, err := o.postJSON(ctx, "/oauth/token", body)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, oauthError(status, raw)
	}
	var wire struct {
		AccessToken  string          `json:"access_token"`
		RefreshToken string          `json:"refresh_token"`
		IDToken      string          `json:"id_token"`
		TokenType    string          `json:"token_type"`
		Scope        string          `json:"scope"`
		ExpiresIn    json.RawMessage `json:"expires_in"`
	}
	if err := json.Unmarshal(raw, &wire); err != nil {
		return nil, fmt.Errorf("%w: token response: %v", ErrBadResponse, err)
	}
	if wire.AccessToken == "" {
		return nil, fmt.Errorf("%w: token response has no access_token", ErrBadResponse)
	}
	tok := &OAuthToken{
		AccessToken:  wire.AccessToken,
		RefreshToken: wire.RefreshToken,
		IDToken:      wire.IDToken,
		TokenType:    wire.TokenType,
		Scope:        wire.Scope,
	}
	// expires_in is a number per RFC 6749; accept a numeric string too.
	if s := strings.Trim(string(wire.ExpiresIn), `" `); s != "" && s != "null" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			tok.ExpiresIn = n
			tok.Expiry = o.now().Add(time.Duration(n) * time.Second)
		}
	}
	return tok, nil
}

// UserInfo returns the signed-in user behind accessToken. A 401 means the token
// is dead and comes back as *ReauthRequiredError.
func (o *OAuth) UserInfo(ctx context.Context, accessToken string) (*UserInfo, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.base+"/oauth/userinfo", nil)
	if err != nil {
		return nil, fmt.Errorf("whop: userinfo: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	status, raw, err := o.do(req)
	if err != nil {
		return nil, fmt.Errorf("whop: userinfo: %w", err)
	}
	if status != http.StatusOK {
		oe := oauthError(status, raw)
		if status == http.StatusUnauthorized {
			return nil, &ReauthRequiredError{Reason: "access token rejected", Err: oe}
		}
		return nil, fmt.Errorf("whop: userinfo: %w", oe)
	}
	var ui UserInfo
	if err := json.Unmarshal(raw, &ui); err != nil {
		return nil, fmt.Errorf("whop: userinfo: %w: %v", ErrBadResponse, err)
	}
	return &ui, nil
}

// Revoke revokes an access or refresh token. Per RFC 7009 revoking a token
// that is already invalid succeeds.
func (o *OAuth) Revoke(ctx context.Context, token string) error {
	body := map[string]string{"token": token, "client_id": o.id}
	if o.secret != "" {
		body["client_secret"] = o.secret
	}
	status, raw, err := o.postJSON(ctx, "/oauth/revoke", body)
	if err != nil {
		return fmt.Errorf("whop: revoke: %w", err)
	}
	if status < 200 || status >= 300 {
		return fmt.Errorf("whop: revoke: %w", oauthError(status, raw))
	}
	return nil
}

func (o *OAuth) postJSON(ctx context.Context, path string, body map[string]string) (int, []byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.base+path, bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	return o.do(req)
}

func (o *OAuth) do(req *http.Request) (int, []byte, error) {
	res, err := o.http.Do(req)
	if err != nil {
		return 0, nil, redactURLError(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return 0, nil, fmt.Errorf("read response: %w", err)
	}
	return res.StatusCode, raw, nil
}

// oauthError decodes an RFC 6749 error body. It also reads the REST API's
// {"error":{"type","message"}} shape, in case an OAuth endpoint answers with
// it, and falls back to the status alone.
func oauthError(status int, raw []byte) *OAuthError {
	e := &OAuthError{Status: status}
	var body struct {
		Error            json.RawMessage `json:"error"`
		ErrorDescription string          `json:"error_description"`
	}
	if json.Unmarshal(raw, &body) == nil {
		e.Description = body.ErrorDescription
		var code string
		var obj struct {
			Type    string `json:"type"`
			Code    string `json:"code"`
			Message string `json:"message"`
		}
		switch {
		case json.Unmarshal(body.Error, &code) == nil:
			e.Code = code
		case json.Unmarshal(body.Error, &obj) == nil:
			e.Code = cmp(obj.Code, obj.Type)
			if e.Description == "" {
				e.Description = obj.Message
			}
		}
	}
	if e.Code == "" {
		e.Code = strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))
	}
	return e
}
