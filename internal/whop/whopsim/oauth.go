package whopsim

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Token lifetimes, by the simulator clock.
const (
	accessTokenTTL = time.Hour
	authCodeTTL    = 10 * time.Minute
)

type oauthState struct {
	pending map[string]*authRequest // by request ID
	codes   map[string]*authCode
	access  map[string]*accessToken
	refresh map[string]*refreshToken
}

func newOAuthState() *oauthState {
	return &oauthState{
		pending: map[string]*authRequest{}, codes: map[string]*authCode{},
		access: map[string]*accessToken{}, refresh: map[string]*refreshToken{},
	}
}

// authRequest is an authorize call waiting on the consent page.
type authRequest struct {
	id, csrf                                   string
	clientID, redirectURI, state, scope, nonce string
	challenge, companyID                       string
}

// grant is what a code or token carries: who, for which app and company,
// with which permissions. family ties every token of one authorization so
// a replayed refresh token can revoke them all.
type grant struct {
	clientID, userID, companyID string
	oidcScope                   string
	scopes                      []string
	family                      string
}

type authCode struct {
	grant
	redirectURI, challenge string
	expiresAt              time.Time
	used                   bool
}

type accessToken struct {
	grant
	expiresAt time.Time
	revoked   bool
	expired   bool
}

type refreshToken struct {
	grant
	used, revoked bool
}

func randToken(prefix string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// oauthError writes an RFC 6749 error body.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="whop"`)
	}
	writeJSON(w, status, obj{"error": code, "error_description": desc})
}

// redirectWith sends the browser back to the client with query parameters.
func redirectWith(w http.ResponseWriter, r *http.Request, redirectURI string, params url.Values) {
	u, err := url.Parse(redirectURI)
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	q := u.Query()
	for k, vs := range params {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// authorize validates an authorization request. A bad client or redirect
// URI is shown as an error page (never redirected to, per RFC 6749 4.1.2.1);
// other problems go back to the client as ?error=...&state=...
func (s *Sim) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.authMu.Lock()
	client, ok := s.clients[q.Get("client_id")]
	auto := s.cfg.AutoApprove
	s.authMu.Unlock()
	if !ok {
		renderAuthError(w, "Unknown client_id.")
		return
	}
	redirectURI := q.Get("redirect_uri")
	if !slices.Contains(client.RedirectURIs, redirectURI) {
		renderAuthError(w, "The redirect_uri is not registered for this app.")
		return
	}
	state := q.Get("state")
	fail := func(code, desc string) {
		p := url.Values{"error": {code}, "error_description": {desc}}
		if state != "" {
			p.Set("state", state)
		}
		redirectWith(w, r, redirectURI, p)
	}
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "response_type must be code")
		return
	case q.Get("code_challenge") == "":
		fail("invalid_request", "code_challenge is required (PKCE)")
		return
	case q.Get("code_challenge_method") != "S256":
		fail("invalid_request", "code_challenge_method must be S256")
		return
	case state == "":
		fail("invalid_request", "state is required")
		return
	}
	req := &authRequest{
		id: randToken("areq_"), csrf: randToken(""),
		clientID: client.ID, redirectURI: redirectURI, state: state,
		scope: q.Get("scope"), nonce: q.Get("nonce"),
		challenge: q.Get("code_challenge"), companyID: q.Get("company_id"),
	}
	switch auto {
	case "approve":
		s.finishAuthorization(w, r, req, true, "")
		return
	case "deny":
		s.finishAuthorization(w, r, req, false, "")
		return
	}
	s.authMu.Lock()
	s.oauth.pending[req.id] = req
	s.authMu.Unlock()
	s.renderConsent(w, req, client)
}

// authorizeDecision is the consent form's POST.
func (s *Sim) authorizeDecision(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		renderAuthError(w, "Bad form.")
		return
	}
	s.authMu.Lock()
	req, ok := s.oauth.pending[r.PostForm.Get("request_id")]
	if ok && subtle.ConstantTimeCompare([]byte(req.csrf), []byte(r.PostForm.Get("csrf"))) == 1 {
		delete(s.oauth.pending, req.id)
	} else {
		ok = false
	}
	s.authMu.Unlock()
	if !ok {
		renderAuthError(w, "This authorization request is unknown, already answered, or the form token is wrong.")
		return
	}
	s.finishAuthorization(w, r, req, r.PostForm.Get("decision") == "approve", r.PostForm.Get("user_id"))
}

// ApprovePending answers a consent page programmatically, as a person
// clicking Approve or Deny would, for the pending request with this state.
// It returns the URL the browser would be redirected to.
func (s *Sim) ApprovePending(state string, approve bool) (string, error) {
	s.authMu.Lock()
	var req *authRequest
	for id, p := range s.oauth.pending {
		if p.state == state {
			req = p
			delete(s.oauth.pending, id)
			break
		}
	}
	s.authMu.Unlock()
	if req == nil {
		return "", fmt.Errorf("whopsim: no pending authorization with state %q", state)
	}
	p, err := s.decide(req, approve, "")
	if err != nil {
		return "", err
	}
	u, _ := url.Parse(req.redirectURI)
	q := u.Query()
	for k, vs := range p {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func (s *Sim) finishAuthorization(w http.ResponseWriter, r *http.Request, req *authRequest, approve bool, userID string) {
	p, err := s.decide(req, approve, userID)
	if err != nil {
		p = url.Values{"error": {"invalid_request"}, "error_description": {err.Error()}, "state": {req.state}}
	}
	redirectWith(w, r, req.redirectURI, p)
}

// decide turns a consent answer into the callback's query parameters,
// issuing a one-time code on approval.
func (s *Sim) decide(req *authRequest, approve bool, userID string) (url.Values, error) {
	if !approve {
		return url.Values{"error": {"access_denied"}, "error_description": {"The user denied the request"}, "state": {req.state}}, nil
	}
	s.mu.RLock()
	if userID == "" {
		userID = s.defaultOAuthUser(req.companyID)
	}
	_, userOK := s.st.users.get(userID)
	companyOK := true
	if req.companyID != "" {
		co, ok := s.st.companies[req.companyID]
		companyOK = ok && co.OwnerUserID == userID
	}
	s.mu.RUnlock()
	if !userOK {
		return nil, errors.New("no user to sign in as")
	}
	if !companyOK {
		return nil, fmt.Errorf("user does not own company %s", req.companyID)
	}
	s.authMu.Lock()
	defer s.authMu.Unlock()
	client := s.clients[req.clientID]
	code := randToken("wac_")
	s.oauth.codes[code] = &authCode{
		grant: grant{
			clientID: req.clientID, userID: userID, companyID: req.companyID,
			oidcScope: req.scope, scopes: scopesOr(client.Scopes), family: randToken("fam_"),
		},
		redirectURI: req.redirectURI, challenge: req.challenge,
		expiresAt: s.clock().Add(authCodeTTL),
	}
	return url.Values{"code": {code}, "state": {req.state}}, nil
}

// defaultOAuthUser is who signs in when nobody picks: the owner of the
// requested company, else the owner of the first company. Caller holds s.mu.
func (s *Sim) defaultOAuthUser(companyID string) string {
	if co, ok := s.st.companies[companyID]; ok {
		return co.OwnerUserID
	}
	ids := make([]string, 0, len(s.st.companies))
	for id := range s.st.companies {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if len(ids) == 0 {
		return ""
	}
	return s.st.companies[ids[0]].OwnerUserID
}

// tokenRequest is the union of the token and revoke endpoints' parameters,
// read from JSON (Whop's documented form) or form encoding (RFC 6749).
type tokenRequest struct {
	GrantType    string `json:"grant_type"`
	Code         string `json:"code"`
	RedirectURI  string `json:"redirect_uri"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	CodeVerifier string `json:"code_verifier"`
	RefreshToken string `json:"refresh_token"`
	Token        string `json:"token"`
}

func readTokenRequest(r *http.Request) (tokenRequest, error) {
	var tr tokenRequest
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20)).Decode(&tr); err != nil {
			return tr, err
		}
	} else {
		if err := r.ParseForm(); err != nil {
			return tr, err
		}
		f := r.PostForm
		tr = tokenRequest{
			GrantType: f.Get("grant_type"), Code: f.Get("code"), RedirectURI: f.Get("redirect_uri"),
			ClientID: f.Get("client_id"), ClientSecret: f.Get("client_secret"),
			CodeVerifier: f.Get("code_verifier"), RefreshToken: f.Get("refresh_token"), Token: f.Get("token"),
		}
	}
	if id, secret, ok := r.BasicAuth(); ok {
		tr.ClientID, tr.ClientSecret = id, secret
	}
	return tr, nil
}

// clientAuth checks the client; a confidential client must present its
// secret. Caller holds s.authMu.
func (s *Sim) clientAuth(tr tokenRequest) (OAuthClient, bool) {
	c, ok := s.clients[tr.ClientID]
	if !ok {
		return c, false
	}
	if c.Secret != "" && subtle.ConstantTimeCompare([]byte(c.Secret), []byte(tr.ClientSecret)) != 1 {
		return c, false
	}
	return c, true
}

func (s *Sim) token(w http.ResponseWriter, r *http.Request) {
	tr, err := readTokenRequest(r)
	if err != nil {
		oauthError(w, 400, "invalid_request", "unreadable body: "+err.Error())
		return
	}
	s.authMu.Lock()
	defer s.authMu.Unlock()
	if _, ok := s.clientAuth(tr); !ok {
		oauthError(w, 401, "invalid_client", "unknown client or bad client credentials")
		return
	}
	now := s.clock()
	var g grant
	switch tr.GrantType {
	case "authorization_code":
		c, ok := s.oauth.codes[tr.Code]
		switch {
		case !ok:
			oauthError(w, 400, "invalid_grant", "unknown authorization code")
			return
		case c.used:
			// RFC 6749 4.1.2: a replayed code revokes what it issued.
			s.revokeFamily(c.family)
			oauthError(w, 400, "invalid_grant", "authorization code already used")
			return
		case !now.Before(c.expiresAt):
			oauthError(w, 400, "invalid_grant", "authorization code expired")
			return
		case c.clientID != tr.ClientID:
			oauthError(w, 400, "invalid_grant", "code was issued to another client")
			return
		case c.redirectURI != tr.RedirectURI:
			oauthError(w, 400, "invalid_grant", "redirect_uri does not match the authorization request")
			return
		case !verifierMatches(tr.CodeVerifier, c.challenge):
			oauthError(w, 400, "invalid_grant", "code_verifier does not match the code_challenge")
			return
		}
		c.used = true
		g = c.grant
	case "refresh_token":
		rt, ok := s.oauth.refresh[tr.RefreshToken]
		switch {
		case !ok || rt.revoked:
			oauthError(w, 400, "invalid_grant", "unknown or revoked refresh token")
			return
		case rt.used:
			// Reuse of a rotated token means it leaked: revoke the family.
			s.revokeFamily(rt.family)
			oauthError(w, 400, "invalid_grant", "refresh token already used; all tokens of this grant are revoked")
			return
		case rt.clientID != tr.ClientID:
			oauthError(w, 400, "invalid_grant", "refresh token was issued to another client")
			return
		}
		rt.used = true
		g = rt.grant
	case "":
		oauthError(w, 400, "invalid_request", "grant_type is required")
		return
	default:
		oauthError(w, 400, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
		return
	}
	access, refresh := randToken("wat_"), randToken("wrt_")
	s.oauth.access[access] = &accessToken{grant: g, expiresAt: now.Add(accessTokenTTL)}
	s.oauth.refresh[refresh] = &refreshToken{grant: g}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, 200, obj{
		"access_token": access, "refresh_token": refresh, "token_type": "Bearer",
		"expires_in": int(accessTokenTTL.Seconds()), "scope": g.oidcScope,
	})
}

// verifierMatches checks PKCE S256: BASE64URL(SHA256(verifier)) == challenge,
// with RFC 7636's 43..128 character verifier.
func verifierMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

// revokeFamily revokes every token of one authorization. Caller holds authMu.
func (s *Sim) revokeFamily(family string) {
	for _, a := range s.oauth.access {
		if a.family == family {
			a.revoked = true
		}
	}
	for _, rt := range s.oauth.refresh {
		if rt.family == family {
			rt.revoked = true
		}
	}
}

func (s *Sim) userinfo(w http.ResponseWriter, r *http.Request) {
	tok := bearer(r)
	s.authMu.Lock()
	at, ok := s.oauth.access[tok]
	valid := ok && !at.revoked && !at.expired && s.clock().Before(at.expiresAt) && !s.currentFaults().ExpireTokens
	s.authMu.Unlock()
	if !valid {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, 401, obj{"error": "invalid_token", "error_description": "missing, invalid, revoked or expired access token"})
		return
	}
	s.mu.RLock()
	u, ok := s.st.users.get(at.userID)
	if !ok {
		s.mu.RUnlock()
		writeJSON(w, 401, obj{"error": "invalid_token", "error_description": "user no longer exists"})
		return
	}
	out := obj{
		"sub": u.ID, "name": strP(u.Name), "preferred_username": u.Username,
		"picture": "https://ui-avatars.com/api/?name=" + u.Username,
	}
	if slices.Contains(strings.Fields(at.oidcScope), "email") {
		out["email"] = strP(u.Email)
		out["email_verified"] = u.Email != nil
	}
	s.mu.RUnlock()
	writeJSON(w, 200, out)
}

// revoke implements RFC 7009: 200 whether or not the token was known.
func (s *Sim) revoke(w http.ResponseWriter, r *http.Request) {
	tr, err := readTokenRequest(r)
	if err != nil {
		oauthError(w, 400, "invalid_request", "unreadable body: "+err.Error())
		return
	}
	s.authMu.Lock()
	defer s.authMu.Unlock()
	if c, ok := s.clients[tr.ClientID]; ok && c.Secret != "" && tr.ClientSecret != "" {
		if _, ok := s.clientAuth(tr); !ok {
			oauthError(w, 401, "invalid_client", "bad client credentials")
			return
		}
	}
	if rt, ok := s.oauth.refresh[tr.Token]; ok {
		s.revokeFamily(rt.family)
	}
	if at, ok := s.oauth.access[tr.Token]; ok {
		at.revoked = true
	}
	writeJSON(w, 200, obj{})
}

// ExpireAccessTokens expires every access token issued so far (a one-shot
// version of Faults.ExpireTokens): refresh tokens keep working, so a client
// that refreshes once recovers.
func (s *Sim) ExpireAccessTokens() {
	s.authMu.Lock()
	defer s.authMu.Unlock()
	for _, a := range s.oauth.access {
		a.expired = true
	}
}
