package whop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// oauthServer answers Whop's OAuth endpoints as documented and records each
// token/revoke body it receives.
type oauthServer struct {
	*recorder
	mu     sync.Mutex
	bodies []map[string]string
	// tokenStatus/tokenBody override the token answer when set.
	tokenStatus int
	tokenBody   string
}

func newOAuthServer(t *testing.T) *oauthServer {
	s := &oauthServer{}
	s.recorder = newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/oauth/token", "/oauth/revoke":
			if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
				writeJSON(w, 400, map[string]string{"error": "invalid_request", "error_description": "JSON POST only"})
				return
			}
			raw, _ := io.ReadAll(r.Body)
			var body map[string]string
			if err := json.Unmarshal(raw, &body); err != nil {
				writeJSON(w, 400, map[string]string{"error": "invalid_request"})
				return
			}
			s.mu.Lock()
			s.bodies = append(s.bodies, body)
			status, override := s.tokenStatus, s.tokenBody
			s.mu.Unlock()
			if r.URL.Path == "/oauth/revoke" {
				w.WriteHeader(200)
				return
			}
			if status != 0 {
				w.WriteHeader(status)
				fmt.Fprint(w, override)
				return
			}
			fmt.Fprintf(w, `{"access_token":"at_%d","refresh_token":"rt_%d","id_token":"idt","token_type":"Bearer","expires_in":3600}`, len(s.bodies), len(s.bodies))
		case "/oauth/userinfo":
			if r.Header.Get("Authorization") != "Bearer at_good" {
				writeJSON(w, 401, map[string]string{"error": "invalid_token", "error_description": "expired"})
				return
			}
			fmt.Fprint(w, `{"sub":"user_Aa11Bb22Cc33Dd","name":"John Doe","preferred_username":"johndoe42","picture":"https://img/x.png","email":"john.doe@example.com","email_verified":true}`)
		default:
			w.WriteHeader(404)
		}
	})
	return s
}

func (s *oauthServer) Bodies() []map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]string(nil), s.bodies...)
}

func TestPKCE(t *testing.T) {
	t.Parallel()
	// RFC 7636 appendix B.
	if got := PKCEChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"); got != "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" {
		t.Errorf("PKCEChallenge(rfc vector) = %q; want E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", got)
	}
	v1, err1 := NewPKCEVerifier()
	v2, err2 := NewPKCEVerifier()
	if err1 != nil || err2 != nil || len(v1) != 43 || v1 == v2 || strings.ContainsAny(v1, "+/=") {
		t.Errorf("NewPKCEVerifier = %q, %q; want two distinct 43-char base64url strings", v1, v2)
	}
}

func TestAuthorizeURL(t *testing.T) {
	t.Parallel()
	o := NewOAuth(OAuthConfig{BaseURL: "https://oauth.example/", ClientID: "app_123"})
	got := o.AuthorizeURL(AuthorizeParams{
		RedirectURI: "https://roster.example/auth/whop/callback", State: "st", Nonce: "nn",
		CodeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", CompanyID: "biz_1",
	})
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme+"://"+u.Host+u.Path != "https://oauth.example/oauth/authorize" {
		t.Errorf("authorize endpoint = %s; want https://oauth.example/oauth/authorize", u.Scheme+"://"+u.Host+u.Path)
	}
	want := url.Values{
		"response_type": {"code"}, "client_id": {"app_123"}, "redirect_uri": {"https://roster.example/auth/whop/callback"},
		"scope": {"openid profile email"}, "state": {"st"}, "nonce": {"nn"},
		"code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"}, "company_id": {"biz_1"},
	}
	if !reflect.DeepEqual(u.Query(), want) {
		t.Errorf("authorize query = %v; want %v", u.Query(), want)
	}
	if !strings.Contains(u.RawQuery, "scope=openid%20profile%20email") {
		t.Errorf("raw query %q; want scope spaces as %%20", u.RawQuery)
	}
}

func TestExchangeCodeAndRefreshRequestShapes(t *testing.T) {
	t.Parallel()
	srv := newOAuthServer(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ctx := context.Background()
	for _, secret := range []string{"", "sk_conf"} {
		o := NewOAuth(OAuthConfig{BaseURL: srv.URL, ClientID: "app_123", ClientSecret: secret, Now: func() time.Time { return now }})
		tok, err := o.ExchangeCode(ctx, "code_1", "verif", "https://roster.example/cb")
		if err != nil {
			t.Fatalf("ExchangeCode: %v", err)
		}
		if tok.AccessToken == "" || tok.RefreshToken == "" || tok.IDToken != "idt" || tok.TokenType != "Bearer" || !tok.Expiry.Equal(now.Add(time.Hour)) {
			t.Errorf("ExchangeCode = %+v (expiry %v); want tokens, id_token, Bearer, expiry now+1h", tok, tok.Expiry)
		}
		if _, err := o.Refresh(ctx, "rt_old"); err != nil {
			t.Fatalf("Refresh: %v", err)
		}
		bodies := srv.Bodies()
		exch, ref := bodies[len(bodies)-2], bodies[len(bodies)-1]
		wantExch := map[string]string{"grant_type": "authorization_code", "code": "code_1", "redirect_uri": "https://roster.example/cb", "client_id": "app_123", "code_verifier": "verif"}
		wantRef := map[string]string{"grant_type": "refresh_token", "refresh_token": "rt_old", "client_id": "app_123"}
		if secret != "" {
			wantExch["client_secret"] = secret
			wantRef["client_secret"] = secret
		}
		if !reflect.DeepEqual(exch, wantExch) {
			t.Errorf("exchange body = %v; want %v", exch, wantExch)
		}
		if !reflect.DeepEqual(ref, wantRef) {
			t.Errorf("refresh body = %v; want %v", ref, wantRef)
		}
	}
}

func TestTokenErrorsMap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		body        string
		wantCode    string
		wantReauth  bool // for Refresh
		wantBadResp bool
	}{
		{"invalid_grant", 400, `{"error":"invalid_grant","error_description":"refresh token revoked"}`, "invalid_grant", true, false},
		{"invalid_client", 401, `{"error":"invalid_client"}`, "invalid_client", false, false},
		{"api-style body", 400, `{"error":{"type":"invalid_grant","message":"used"}}`, "invalid_grant", true, false},
		{"no body", 500, ``, "internal_server_error", false, false},
		{"200 without token", 200, `{"token_type":"Bearer"}`, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newOAuthServer(t)
			srv.tokenStatus, srv.tokenBody = tt.status, tt.body
			o := NewOAuth(OAuthConfig{BaseURL: srv.URL, ClientID: "app_123"})
			_, err := o.Refresh(context.Background(), "rt_secret_value")
			if got := errors.Is(err, ErrReauthRequired); got != tt.wantReauth {
				t.Errorf("Refresh: errors.Is(%v, ErrReauthRequired) = %v; want %v", err, got, tt.wantReauth)
			}
			if tt.wantBadResp {
				if !errors.Is(err, ErrBadResponse) {
					t.Errorf("Refresh = %v; want ErrBadResponse", err)
				}
				return
			}
			var oe *OAuthError
			if !errors.As(err, &oe) || oe.Code != tt.wantCode || oe.Status != tt.status {
				t.Errorf("Refresh = %v; want *OAuthError code %q status %d", err, tt.wantCode, tt.status)
			}
			if strings.Contains(err.Error(), "rt_secret_value") {
				t.Errorf("error %q contains the refresh token", err)
			}
			// The same body on code exchange is an OAuthError, never "reauth".
			_, err = o.ExchangeCode(context.Background(), "c", "v", "r")
			if errors.Is(err, ErrReauthRequired) || !errors.As(err, &oe) {
				t.Errorf("ExchangeCode = %v; want an *OAuthError that is not ErrReauthRequired", err)
			}
		})
	}
}

func TestUserInfoAndRevoke(t *testing.T) {
	t.Parallel()
	srv := newOAuthServer(t)
	o := NewOAuth(OAuthConfig{BaseURL: srv.URL, ClientID: "app_123"})
	ctx := context.Background()
	ui, err := o.UserInfo(ctx, "at_good")
	want := &UserInfo{Sub: "user_Aa11Bb22Cc33Dd", Name: "John Doe", PreferredUsername: "johndoe42", Picture: "https://img/x.png", Email: "john.doe@example.com", EmailVerified: true}
	if err != nil || !reflect.DeepEqual(ui, want) {
		t.Errorf("UserInfo = %+v, %v; want %+v", ui, err, want)
	}
	if _, err := o.UserInfo(ctx, "at_bad"); !errors.Is(err, ErrReauthRequired) {
		t.Errorf("UserInfo(bad token) = %v; want ErrReauthRequired", err)
	}
	if err := o.Revoke(ctx, "rt_x"); err != nil {
		t.Errorf("Revoke = %v; want nil", err)
	}
	bodies := srv.Bodies()
	if got := bodies[len(bodies)-1]; !reflect.DeepEqual(got, map[string]string{"token": "rt_x", "client_id": "app_123"}) {
		t.Errorf("revoke body = %v; want token and client_id", got)
	}
	var paths []string
	for _, r := range srv.Requests() {
		paths = append(paths, r.Method+" "+r.URL.Path)
	}
	if wantPaths := []string{"GET /oauth/userinfo", "GET /oauth/userinfo", "POST /oauth/revoke"}; !reflect.DeepEqual(paths, wantPaths) {
		t.Errorf("requests = %v; want %v", paths, wantPaths)
	}
}

func TestOAuthTokenSourceRotatesAndSaves(t *testing.T) {
	t.Parallel()
	srv := newOAuthServer(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	o := NewOAuth(OAuthConfig{BaseURL: srv.URL, ClientID: "app_123", Now: clock})
	var saved []OAuthToken
	src := NewOAuthTokenSource(o, OAuthToken{AccessToken: "at_0", RefreshToken: "rt_0", Expiry: now.Add(30 * time.Minute)},
		func(_ context.Context, tok OAuthToken) error { saved = append(saved, tok); return nil }, clock)
	ctx := context.Background()
	if got, _ := src.Token(ctx); got != "at_0" {
		t.Errorf("Token (fresh) = %q; want at_0", got)
	}
	got, err := src.Refresh(ctx)
	if err != nil || got != "at_1" {
		t.Fatalf("Refresh = %q, %v; want at_1", got, err)
	}
	if again, _ := src.Refresh(ctx); again != "at_1" {
		t.Errorf("Refresh right after a refresh = %q; want at_1 reused", again)
	}
	if len(saved) != 1 || saved[0].RefreshToken != "rt_1" {
		t.Errorf("saved = %v; want the rotated pair with rt_1", saved)
	}
	if b := srv.Bodies(); b[0]["refresh_token"] != "rt_0" {
		t.Errorf("first refresh used %q; want rt_0", b[0]["refresh_token"])
	}
	// Near expiry, Token refreshes by itself, with the rotated refresh token.
	now = now.Add(59*time.Minute + 30*time.Second)
	if got, _ := src.Token(ctx); got != "at_2" {
		t.Errorf("Token (near expiry) = %q; want at_2", got)
	}
	if b := srv.Bodies(); b[1]["refresh_token"] != "rt_1" {
		t.Errorf("second refresh used %q; want rt_1", b[1]["refresh_token"])
	}
	if src.Current().RefreshToken != "rt_2" {
		t.Errorf("Current().RefreshToken = %q; want rt_2", src.Current().RefreshToken)
	}
	if s := fmt.Sprintf("%v %+v %#v", src.Current(), src.Current(), src.Current()); strings.Contains(s, "at_2") || strings.Contains(s, "rt_2") {
		t.Errorf("formatted token %q shows a secret", s)
	}
}

func TestOAuthTokenSourceRevokedIsReauth(t *testing.T) {
	t.Parallel()
	srv := newOAuthServer(t)
	srv.tokenStatus, srv.tokenBody = 400, `{"error":"invalid_grant","error_description":"revoked"}`
	o := NewOAuth(OAuthConfig{BaseURL: srv.URL, ClientID: "app_123"})
	src := NewOAuthTokenSource(o, OAuthToken{AccessToken: "at_0", RefreshToken: "rt_0"}, nil, nil)
	api := scripted(t, status(401, "unauthorized", "expired"))
	c := testClient(t, api, newFakeClock(), func(cfg *ClientConfig) { cfg.Token = src })
	_, err := c.GetMembership(context.Background(), "mem_1")
	if !errors.Is(err, ErrReauthRequired) {
		t.Errorf("GetMembership with revoked grant = %v; want ErrReauthRequired", err)
	}
	var oe *OAuthError
	if !errors.As(err, &oe) || oe.Code != "invalid_grant" {
		t.Errorf("cause = %v; want the invalid_grant *OAuthError", err)
	}
}
