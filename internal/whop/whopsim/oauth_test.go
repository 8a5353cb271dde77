package whopsim

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

const (
	testClientID = "app_TestClient0001"
	testSecret   = "client-secret-1"
	testRedirect = "http://127.0.0.1:9999/auth/whop/callback"
	testVerifier = "dBjftJeZ4CK-mB0s2FkYqW8x3vQz7uPnLc9aR1tY5hG" // 43 chars
)

func challenge(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func newOAuthFixture(t *testing.T, auto string) *fixture {
	t.Helper()
	return newFixture(t, Config{
		AutoApprove:  auto,
		OAuthClients: []OAuthClient{{ID: testClientID, Secret: testSecret, RedirectURIs: []string{testRedirect}}},
	}, GenerateParams{})
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func authorizeURL(f *fixture, mod func(url.Values)) string {
	q := url.Values{
		"response_type": {"code"}, "client_id": {testClientID}, "redirect_uri": {testRedirect},
		"scope": {"openid profile email"}, "state": {"st-123"}, "nonce": {"n-1"},
		"code_challenge": {challenge(testVerifier)}, "code_challenge_method": {"S256"},
	}
	if mod != nil {
		mod(q)
	}
	return f.srv.URL + "/oauth/authorize?" + q.Encode()
}

var formField = regexp.MustCompile(`name="(request_id|csrf)" value="([^"]+)"`)

// consent loads the consent page and posts the decision like a browser.
func consent(t *testing.T, f *fixture, decision string) *url.URL {
	t.Helper()
	resp, err := noRedirect.Get(authorizeURL(f, nil))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), `value="approve"`) {
		t.Fatalf("consent page = %d %s", resp.StatusCode, page)
	}
	form := url.Values{"decision": {decision}}
	for _, m := range formField.FindAllStringSubmatch(string(page), -1) {
		form.Set(m[1], m[2])
	}
	resp, err = noRedirect.PostForm(f.srv.URL+"/oauth/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("consent POST = %d; want 302", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	return loc
}

func tokenCall(t *testing.T, f *fixture, body map[string]string) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(f.srv.URL+"/oauth/token", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func exchange(code string, mod func(map[string]string)) map[string]string {
	b := map[string]string{
		"grant_type": "authorization_code", "code": code, "redirect_uri": testRedirect,
		"client_id": testClientID, "client_secret": testSecret, "code_verifier": testVerifier,
	}
	if mod != nil {
		mod(b)
	}
	return b
}

func TestOAuthHappyPath(t *testing.T) {
	t.Parallel()
	f := newOAuthFixture(t, "")
	loc := consent(t, f, "approve")
	code := loc.Query().Get("code")
	if loc.Query().Get("state") != "st-123" || code == "" || !strings.HasPrefix(loc.String(), testRedirect) {
		t.Fatalf("callback = %s; want code and state st-123 on %s", loc, testRedirect)
	}
	status, tok := tokenCall(t, f, exchange(code, nil))
	if status != 200 || tok["token_type"] != "Bearer" || tok["expires_in"] != float64(3600) || tok["refresh_token"] == "" {
		t.Fatalf("token = %d %v", status, tok)
	}
	access := tok["access_token"].(string)

	r := f.get(t, "/oauth/userinfo", access, nil)
	if r.status != 200 || r.body["sub"] != f.gen.OwnerUserID || r.body["preferred_username"] == "" {
		t.Errorf("userinfo = %d %s; want sub %s", r.status, r.raw, f.gen.OwnerUserID)
	}
	if _, ok := r.body["email_verified"]; !ok {
		t.Errorf("userinfo without email_verified under the email scope: %s", r.raw)
	}
	// The token acts for the company its user owns.
	if r := f.get(t, "/api/v1/memberships?company_id="+f.gen.CompanyID, access, nil); r.status != 200 {
		t.Errorf("list with OAuth token = %d %s", r.status, r.raw)
	}
	if r := f.get(t, "/api/v1/memberships?company_id=biz_NotTheirs00001", access, nil); r.status != 403 {
		t.Errorf("other company with OAuth token = %d; want 403", r.status)
	}
	// One hour later the access token has expired.
	f.clock.Advance(time.Hour)
	if r := f.get(t, "/api/v1/memberships?company_id="+f.gen.CompanyID, access, nil); r.status != 401 {
		t.Errorf("after 1 h = %d; want 401", r.status)
	}
}

func TestOAuthDeny(t *testing.T) {
	t.Parallel()
	f := newOAuthFixture(t, "")
	loc := consent(t, f, "deny")
	if loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "st-123" {
		t.Errorf("deny callback = %s; want error=access_denied&state=st-123", loc)
	}
}

func TestOAuthAuthorizeValidation(t *testing.T) {
	t.Parallel()
	f := newOAuthFixture(t, "approve")
	tests := []struct {
		name       string
		mod        func(url.Values)
		wantStatus int
		wantError  string // in the redirect
	}{
		{"auto approve", nil, 302, ""},
		{"unknown client", func(q url.Values) { q.Set("client_id", "app_nope") }, 400, ""},
		{"unregistered redirect", func(q url.Values) { q.Set("redirect_uri", "http://evil.example/cb") }, 400, ""},
		{"response_type token", func(q url.Values) { q.Set("response_type", "token") }, 302, "unsupported_response_type"},
		{"plain PKCE", func(q url.Values) { q.Set("code_challenge_method", "plain") }, 302, "invalid_request"},
		{"no PKCE", func(q url.Values) { q.Del("code_challenge") }, 302, "invalid_request"},
		{"no state", func(q url.Values) { q.Del("state") }, 302, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := noRedirect.Get(authorizeURL(f, tt.mod))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d; want %d", resp.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus != 302 {
				return
			}
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if got := loc.Query().Get("error"); got != tt.wantError {
				t.Errorf("error = %q; want %q (%s)", got, tt.wantError, loc)
			}
			if tt.wantError == "" && loc.Query().Get("code") == "" {
				t.Errorf("no code in %s", loc)
			}
		})
	}
}

func autoCode(t *testing.T, f *fixture) string {
	t.Helper()
	resp, err := noRedirect.Get(authorizeURL(f, nil))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	code := loc.Query().Get("code")
	if code == "" {
		t.Fatalf("no code in %s", loc)
	}
	return code
}

func TestOAuthTokenErrors(t *testing.T) {
	t.Parallel()
	f := newOAuthFixture(t, "approve")
	tests := []struct {
		name       string
		mod        func(map[string]string)
		wantStatus int
		wantError  string
	}{
		{"bad verifier", func(b map[string]string) { b["code_verifier"] = strings.Repeat("x", 43) }, 400, "invalid_grant"},
		{"missing verifier", func(b map[string]string) { delete(b, "code_verifier") }, 400, "invalid_grant"},
		{"other redirect", func(b map[string]string) { b["redirect_uri"] = testRedirect + "/x" }, 400, "invalid_grant"},
		{"bad secret", func(b map[string]string) { b["client_secret"] = "wrong" }, 401, "invalid_client"},
		{"unknown code", func(b map[string]string) { b["code"] = "nope" }, 400, "invalid_grant"},
		{"bad grant type", func(b map[string]string) { b["grant_type"] = "password" }, 400, "unsupported_grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := tokenCall(t, f, exchange(autoCode(t, f), tt.mod))
			if status != tt.wantStatus || body["error"] != tt.wantError || body["error_description"] == "" {
				t.Errorf("token = %d %v; want %d %s with a description", status, body, tt.wantStatus, tt.wantError)
			}
		})
	}
}

func TestOAuthCodeReuse(t *testing.T) {
	t.Parallel()
	f := newOAuthFixture(t, "approve")
	code := autoCode(t, f)
	status, tok := tokenCall(t, f, exchange(code, nil))
	if status != 200 {
		t.Fatalf("first exchange = %d %v", status, tok)
	}
	if status, body := tokenCall(t, f, exchange(code, nil)); status != 400 || body["error"] != "invalid_grant" {
		t.Errorf("reuse = %d %v; want 400 invalid_grant", status, body)
	}
	if r := f.get(t, "/oauth/userinfo", tok["access_token"].(string), nil); r.status != 401 {
		t.Errorf("token of a replayed code = %d; want 401 (revoked)", r.status)
	}
}

func TestOAuthRefreshRotation(t *testing.T) {
	t.Parallel()
	f := newOAuthFixture(t, "approve")
	_, tok := tokenCall(t, f, exchange(autoCode(t, f), nil))
	r1 := tok["refresh_token"].(string)

	// Form-encoded refresh works too (RFC 6749 style).
	resp, err := http.PostForm(f.srv.URL+"/oauth/token", url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {r1}, "client_id": {testClientID}, "client_secret": {testSecret},
	})
	if err != nil {
		t.Fatal(err)
	}
	var tok2 map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&tok2)
	resp.Body.Close()
	r2, _ := tok2["refresh_token"].(string)
	if resp.StatusCode != 200 || r2 == "" || r2 == r1 {
		t.Fatalf("refresh = %d %v; want a new refresh token", resp.StatusCode, tok2)
	}
	a2 := tok2["access_token"].(string)
	if r := f.get(t, "/oauth/userinfo", a2, nil); r.status != 200 {
		t.Fatalf("new access token = %d", r.status)
	}
	// Reusing the rotated token fails and revokes the whole grant.
	status, body := tokenCall(t, f, map[string]string{"grant_type": "refresh_token", "refresh_token": r1, "client_id": testClientID, "client_secret": testSecret})
	if status != 400 || body["error"] != "invalid_grant" {
		t.Errorf("reuse of rotated = %d %v; want 400 invalid_grant", status, body)
	}
	if r := f.get(t, "/oauth/userinfo", a2, nil); r.status != 401 {
		t.Errorf("access token after family revocation = %d; want 401", r.status)
	}
	status, body = tokenCall(t, f, map[string]string{"grant_type": "refresh_token", "refresh_token": r2, "client_id": testClientID, "client_secret": testSecret})
	if status != 400 || body["error"] != "invalid_grant" {
		t.Errorf("latest refresh after family revocation = %d %v; want 400 invalid_grant", status, body)
	}
}

func TestOAuthRevokeAndExpire(t *testing.T) {
	t.Parallel()
	f := newOAuthFixture(t, "approve")
	_, tok := tokenCall(t, f, exchange(autoCode(t, f), nil))
	access, refresh := tok["access_token"].(string), tok["refresh_token"].(string)

	f.sim.ExpireAccessTokens()
	if r := f.get(t, "/oauth/userinfo", access, nil); r.status != 401 {
		t.Errorf("expired access token = %d; want 401", r.status)
	}
	status, tok2 := tokenCall(t, f, map[string]string{"grant_type": "refresh_token", "refresh_token": refresh, "client_id": testClientID, "client_secret": testSecret})
	if status != 200 {
		t.Fatalf("refresh after expiry = %d %v", status, tok2)
	}
	b, _ := json.Marshal(map[string]string{"token": tok2["refresh_token"].(string), "client_id": testClientID})
	resp, err := http.Post(f.srv.URL+"/oauth/revoke", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("revoke = %d; want 200", resp.StatusCode)
	}
	if r := f.get(t, "/oauth/userinfo", tok2["access_token"].(string), nil); r.status != 401 {
		t.Errorf("access token after revoking its refresh token = %d; want 401", r.status)
	}
}

func TestApprovePending(t *testing.T) {
	t.Parallel()
	f := newOAuthFixture(t, "")
	resp, err := noRedirect.Get(authorizeURL(f, nil))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cb, err := f.sim.ApprovePending("st-123", true)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(cb)
	if status, _ := tokenCall(t, f, exchange(u.Query().Get("code"), nil)); status != 200 {
		t.Errorf("exchange of programmatically approved code = %d; want 200", status)
	}
	if _, err := f.sim.ApprovePending("st-123", true); err == nil {
		t.Errorf("second ApprovePending succeeded; want an error")
	}
}
