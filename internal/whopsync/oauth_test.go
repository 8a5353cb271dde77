package whopsync_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whop"
	"github.com/roster-crm/roster/internal/whopsync"
)

// admin is a person signed in to Roster in a browser: the OAuth session the
// service binds the flow to, and a client for Whop's consent pages that
// does not follow redirects, so every hop of the dance is checked.
type admin struct {
	t      testing.TB
	e      *env
	sess   whopsync.OAuthSession
	client *http.Client
}

// page is one answer a browser got from Whop.
type page struct {
	status   int
	location string
	body     string
}

func (e *env) as(sess whopsync.OAuthSession) *admin {
	return &admin{t: e.t, e: e, sess: sess, client: &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// signIn logs a person in and returns their session.
func (e *env) signIn(email, password string) *admin {
	e.t.Helper()
	ctx := context.Background()
	sess, err := e.auth.Login(ctx, email, password, e.ws)
	if err != nil {
		e.t.Fatalf("Login(%s) = %v", email, err)
	}
	p, err := e.auth.AuthenticateSession(ctx, sess.Token)
	if err != nil {
		e.t.Fatalf("AuthenticateSession(%s) = %v", email, err)
	}
	return e.as(whopsync.OAuthSession{Principal: p, Token: sess.Token})
}

// addMember adds a person to the workspace with a role and signs them in.
func (e *env) addMember(email string, role auth.Role) *admin {
	e.t.Helper()
	if _, err := e.auth.AddMember(context.Background(), auth.AddMemberParams{WorkspaceID: e.ws, Email: email, Password: "password-2", Role: role}); err != nil {
		e.t.Fatalf("AddMember(%s) = %v", email, err)
	}
	return e.signIn(email, "password-2")
}

// whop opens a page of Whop's (the simulator's) in the person's browser.
func (a *admin) whop(method, rawURL string, form url.Values) page {
	a.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		a.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := a.client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return page{status: res.StatusCode, location: res.Header.Get("Location"), body: string(raw)}
}

// start begins the flow and checks Whop's authorize URL: the registered
// redirect URI, a state, and an S256 PKCE challenge. It returns the URL
// and the state.
func (a *admin) start() (string, string) {
	a.t.Helper()
	to, err := a.e.svc.BeginOAuth(context.Background(), a.sess, " "+a.e.company+" ")
	if err != nil {
		a.t.Fatalf("BeginOAuth() = %v", err)
	}
	u, err := url.Parse(to)
	if err != nil || !strings.HasPrefix(to, a.e.simURL+"/oauth/authorize?") {
		a.t.Fatalf("BeginOAuth() = %q; want the simulator's /oauth/authorize", to)
	}
	q := u.Query()
	for k, want := range map[string]string{"response_type": "code", "client_id": a.e.clientID, "code_challenge_method": "S256",
		"redirect_uri": a.e.roster.URL + "/auth/whop/callback", "company_id": a.e.company} {
		if got := q.Get(k); got != want {
			a.t.Errorf("authorize %s = %q; want %q", k, got, want)
		}
	}
	if len(q.Get("code_challenge")) != 43 || len(q.Get("state")) < 16 {
		a.t.Errorf("authorize challenge %q state %q; want a 43-character S256 challenge and a long state", q.Get("code_challenge"), q.Get("state"))
	}
	return to, q.Get("state")
}

var formField = regexp.MustCompile(`name="(request_id|csrf)" value="([^"]+)"`)

// consent opens Whop's consent page and clicks Approve or Deny on it,
// returning the callback URL Whop sends the browser to.
func (a *admin) consent(authorizeURL string, approve bool) string {
	a.t.Helper()
	p := a.whop(http.MethodGet, authorizeURL, nil)
	if p.status != http.StatusOK || !strings.Contains(p.body, "<form") {
		a.t.Fatalf("consent page = %d %s", p.status, p.body)
	}
	form := url.Values{"decision": {"deny"}}
	if approve {
		form.Set("decision", "approve")
	}
	for _, m := range formField.FindAllStringSubmatch(p.body, -1) {
		form.Set(m[1], m[2])
	}
	ans := a.whop(http.MethodPost, a.e.simURL+"/oauth/authorize", form)
	if ans.status != http.StatusFound || !strings.HasPrefix(ans.location, a.e.roster.URL+"/auth/whop/callback?") {
		a.t.Fatalf("consent answer = %d to %q; want 302 to the callback", ans.status, ans.location)
	}
	return ans.location
}

// approved runs the flow up to the callback URL, approved at Whop.
func (a *admin) approved() string {
	a.t.Helper()
	authorize, state := a.start()
	if p := a.whop(http.MethodGet, authorize, nil); p.status != http.StatusOK {
		a.t.Fatalf("consent page = %d", p.status)
	}
	cb, err := a.e.sim.ApprovePending(state, true)
	if err != nil {
		a.t.Fatal(err)
	}
	return cb
}

// finish hands the callback URL Whop sent the browser to to the service.
func (a *admin) finish(callbackURL string) (string, error) {
	a.t.Helper()
	u, err := url.Parse(callbackURL)
	if err != nil {
		a.t.Fatal(err)
	}
	q := u.Query()
	return a.e.svc.CompleteOAuth(context.Background(), a.sess, whopsync.OAuthCallback{
		State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error"), ErrorDescription: q.Get("error_description")})
}

// connected completes the OAuth flow and returns the stored connection.
func (a *admin) connected() *store.WhopConnection {
	a.t.Helper()
	if handle, err := a.finish(a.approved()); err != nil || handle == "" {
		a.t.Fatalf("CompleteOAuth() = %q, %v; want connected", handle, err)
	}
	conn, err := a.e.store.WhopConnectionGet(context.Background(), nil, a.e.ws)
	if err != nil {
		a.t.Fatal(err)
	}
	return conn
}

// tokens opens the stored OAuth tokens.
func (e *env) tokens() (access, refresh string) {
	e.t.Helper()
	conn, err := e.store.WhopConnectionGet(context.Background(), nil, e.ws)
	if err != nil {
		e.t.Fatal(err)
	}
	open := func(col, sealed string) string {
		b, err := e.sealer.Open(sealed, []byte("whop_connections."+col+":"+e.ws))
		if err != nil {
			e.t.Fatalf("open %s: %v", col, err)
		}
		return string(b)
	}
	return open("access_token", conn.AccessTokenSealed), open("refresh_token", conn.RefreshTokenSealed)
}

// connectionRow is the stored connection row as text, every column.
func (e *env) connectionRow() string {
	e.t.Helper()
	var cols [8]any
	var out []string
	err := e.store.Read.QueryRow(`SELECT method, company_id, handle, scopes, access_token_sealed, refresh_token_sealed, webhook_secret_sealed, stage_mapping
		FROM whop_connections WHERE workspace_id = $1`, e.ws).Scan(&cols[0], &cols[1], &cols[2], &cols[3], &cols[4], &cols[5], &cols[6], &cols[7])
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range cols {
		switch v := c.(type) {
		case string:
			out = append(out, v)
		case []byte:
			out = append(out, string(v))
		}
	}
	return strings.Join(out, "|")
}

func (e *env) connections() int { return e.count("whop_connections") }

func (e *env) auditActions() []string {
	e.t.Helper()
	var out []string
	for _, a := range e.auditLog("whop.", 50) {
		out = append(out, string(a.Action))
	}
	return out
}

func hasAction(actions []string, a string) bool {
	for _, x := range actions {
		if x == a {
			return true
		}
	}
	return false
}

// TestOAuthConnect walks the whole flow through HTTP: /auth/whop, Whop's
// consent page, the callback, the sealed tokens and the first sync.
func TestOAuthConnect(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{})
		a := e.signIn(e.adminEmail, e.adminPassword)
		authorize, _ := a.start()
		handle, err := a.finish(a.consent(authorize, true))
		if err != nil {
			t.Fatalf("CompleteOAuth() = %v", err)
		}
		st, err := e.svc.Status(ctx, e.ws)
		if err != nil {
			t.Fatal(err)
		}
		if !st.Connected || st.Method != "oauth" || st.CompanyID != e.company || st.Handle == "" || st.NeedsReauth {
			t.Fatalf("Status() = %+v; want connected by oauth to %s with a handle", st, e.company)
		}
		if handle != st.Handle {
			t.Errorf("CompleteOAuth() = %q; want the handle %q", handle, st.Handle)
		}
		access, refresh := e.tokens()
		if !strings.HasPrefix(access, "wat_") || !strings.HasPrefix(refresh, "wrt_") {
			t.Fatalf("stored tokens open to %q..., %q...; want Whop's access and refresh tokens", access[:4], refresh[:4])
		}
		if row := e.connectionRow(); strings.Contains(row, access) || strings.Contains(row, refresh) {
			t.Fatal("a token is stored in plain text")
		}
		if n := e.count("whop_oauth_states"); n != 0 {
			t.Errorf("oauth states left = %d; want 0 (used once)", n)
		}
		// The first sync was queued with the connection and runs on its own.
		var run *store.WhopSyncRun
		poll.Until(t, 30*time.Second, func() error {
			if run, err = s.WhopSyncRunLatest(ctx, e.ws); err != nil || run == nil || (run.Status != store.SyncSucceeded && run.Status != store.SyncFailed) {
				return fmt.Errorf("first sync = %+v, %v; want it finished", run, err)
			}
			return nil
		})
		if run == nil || run.Status != store.SyncSucceeded {
			t.Fatalf("first sync = %+v; want succeeded", run)
		}
		e.checkTruth()
		if acts := e.auditActions(); !hasAction(acts, "whop.connected") {
			t.Errorf("audit = %v; want whop.connected", acts)
		}
	})
}

// TestOAuthCallbackRejections covers every way a connect can be refused:
// nothing may be stored, and the error says why (the status each cause
// gets in the browser is tested with the pages, in internal/web).
func TestOAuthCallbackRejections(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		owner := e.signIn(e.adminEmail, e.adminPassword)
		other := e.addMember("second-admin@shop.test", auth.RoleAdmin)
		mia := e.addMember("mia@shop.test", auth.RoleMember)

		expect := func(name string, err error, cause error, text string) {
			t.Helper()
			if !errors.Is(err, cause) || !strings.Contains(err.Error(), text) {
				t.Errorf("%s: %v; want %v mentioning %q", name, err, cause, text)
			}
			if n := e.connections(); n != 0 {
				t.Fatalf("%s: a connection was stored", name)
			}
		}
		begin := func(sess whopsync.OAuthSession, company string) error {
			_, err := e.svc.BeginOAuth(ctx, sess, company)
			return err
		}

		// Not signed in, signed in as a member, or with an API key: no flow.
		keyID := "key_1"
		apiKey := &auth.Principal{WorkspaceID: e.ws, APIKeyID: &keyID, Role: auth.RoleAdmin}
		expect("start signed out", begin(whopsync.OAuthSession{}, e.company), crm.ErrUnauthenticated, "sign in")
		expect("start without a session cookie", begin(whopsync.OAuthSession{Principal: owner.sess.Principal}, e.company), crm.ErrUnauthenticated, "sign in")
		expect("start with an API key", begin(whopsync.OAuthSession{Principal: apiKey, Token: "x"}, e.company), crm.ErrUnauthenticated, "sign in")
		expect("start as member", begin(mia.sess, e.company), crm.ErrForbidden, "admin")
		expect("start without company", begin(owner.sess, ""), crm.ErrInvalid, "company_id")
		expect("start with a company that is not one", begin(owner.sess, "acme"), crm.ErrInvalid, "company_id")

		// A tampered state is refused, and does not spend the real one.
		cb := owner.approved()
		_, err := owner.finish(strings.Replace(cb, "state=", "state=x", 1))
		expect("tampered state", err, crm.ErrInvalid, "state")
		_, err = e.as(whopsync.OAuthSession{}).finish(cb)
		expect("callback signed out", err, crm.ErrUnauthenticated, "sign in")
		_, err = mia.finish(cb)
		expect("callback as member", err, crm.ErrForbidden, "admin")
		if _, err := owner.finish(cb); err != nil {
			t.Fatalf("genuine callback after a tampered one = %v", err)
		}
		// Replaying the callback (state and code used) is refused and
		// changes nothing.
		before := e.connectionRow()
		if _, err := owner.finish(cb); !errors.Is(err, crm.ErrInvalid) || !strings.Contains(err.Error(), "already used") {
			t.Errorf("replayed callback = %v; want invalid, already used", err)
		}
		if e.connectionRow() != before {
			t.Error("a replayed callback changed the connection")
		}
		if _, err := e.svc.Disconnect(ctx, e.admin); err != nil {
			t.Fatal(err)
		}

		// A state started in one admin's session, finished in another's.
		cb = owner.approved()
		_, err = other.finish(cb)
		expect("state from another session", err, crm.ErrInvalid, "another session")
		// ...which does not use up the state of the admin who started it.
		if _, err := owner.finish(cb); err != nil {
			t.Fatalf("callback in the starting session after another session's try = %v", err)
		}
		if _, err := e.svc.Disconnect(ctx, e.admin); err != nil {
			t.Fatal(err)
		}

		// Denied consent.
		authorize, _ := owner.start()
		_, err = owner.finish(owner.consent(authorize, false))
		expect("denied", err, crm.ErrInvalid, "did not grant access (access_denied)")

		// The PKCE verifier does not match the challenge Whop saw.
		cb = owner.approved()
		wrong, err := whop.NewPKCEVerifier()
		if err != nil {
			t.Fatal(err)
		}
		sealed, err := e.sealer.Seal([]byte(wrong), []byte("whop_oauth_states.verifier:"+e.ws))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Write.Exec("UPDATE whop_oauth_states SET verifier_sealed = $1 WHERE workspace_id = $2", sealed, e.ws); err != nil {
			t.Fatal(err)
		}
		_, err = owner.finish(cb)
		expect("bad verifier", err, crm.ErrInvalid, "invalid_grant")

		acts := e.auditActions()
		for _, want := range []string{"whop.oauth.denied", "whop.oauth.rejected"} {
			if !hasAction(acts, want) {
				t.Errorf("audit = %v; want %s", acts, want)
			}
		}
		for _, a := range acts {
			if strings.Contains(a, "wac_") {
				t.Errorf("audit action %q carries a code", a)
			}
		}
	})
}

// TestOAuthRefreshRotationAndRevocation expires the access token at Whop:
// the sync refreshes, stores the rotated pair sealed, and the old refresh
// token is dead. Replaying it revokes the whole grant (as Whop does with a
// leaked token), after which the sync fails and asks for a reconnect.
func TestOAuthRefreshRotationAndRevocation(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		e.signIn(e.adminEmail, e.adminPassword).connected()
		e.sync()
		oldAccess, oldRefresh := e.tokens()

		e.sim.ExpireAccessTokens()
		e.sync()
		access, refresh := e.tokens()
		if access == oldAccess || refresh == oldRefresh {
			t.Fatal("tokens were not rotated after the access token expired")
		}
		if row := e.connectionRow(); strings.Contains(row, access) || strings.Contains(row, refresh) {
			t.Fatal("a rotated token is stored in plain text")
		}
		e.checkTruth()

		o := whop.NewOAuth(whop.OAuthConfig{BaseURL: e.simURL, ClientID: e.clientID, ClientSecret: e.clientSecret})
		_, err := o.Refresh(ctx, oldRefresh)
		var oe *whop.OAuthError
		if !errors.As(err, &oe) || oe.Code != "invalid_grant" {
			t.Fatalf("refresh with the rotated-out token = %v; want invalid_grant", err)
		}

		// That replay revoked the grant: the next sync cannot refresh.
		run, err := e.svc.StartRun(ctx, e.ws, "full")
		if err != nil {
			t.Fatal(err)
		}
		run, err = e.svc.RunSync(ctx, e.ws, run.ID, nil)
		if !errors.Is(err, whop.ErrReauthRequired) || run.Status != store.SyncFailed || len(run.Errors) == 0 {
			t.Fatalf("sync on a revoked grant = %v, %+v; want a failed run needing re-authorisation", err, run)
		}
		st, _ := e.svc.Status(ctx, e.ws)
		if !st.NeedsReauth || st.LastSyncStatus != store.SyncFailed || !containsAny(st.Errors, "reconnect") {
			t.Fatalf("Status() = %+v; want needsReauth and an error asking to reconnect", st)
		}
		_, err = e.svc.TriggerSync(ctx, e.admin, false)
		if ce, ok := crm.AsError(err); !ok || !strings.Contains(ce.Message, "reconnect") {
			t.Fatalf("TriggerSync() on a dead grant = %v; want an error asking to reconnect", err)
		}

		// Reconnecting clears the flag.
		e.signIn(e.adminEmail, e.adminPassword).connected()
		if st, _ := e.svc.Status(ctx, e.ws); st.NeedsReauth {
			t.Fatal("needsReauth still set after reconnecting")
		}
		e.sync()
		e.checkTruth()
	})
}

// TestOAuthDisconnectRevokes checks that disconnecting revokes both tokens
// at Whop, not only deletes them here.
func TestOAuthDisconnectRevokes(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		e.signIn(e.adminEmail, e.adminPassword).connected()
		access, refresh := e.tokens()
		if code := e.simStatus(access); code != http.StatusOK {
			t.Fatalf("API with the access token = %d; want 200", code)
		}
		if ok, err := e.svc.Disconnect(ctx, e.admin); !ok || err != nil {
			t.Fatalf("Disconnect() = %v, %v", ok, err)
		}
		if code := e.simStatus(access); code != http.StatusUnauthorized {
			t.Errorf("API with the access token after disconnect = %d; want 401", code)
		}
		o := whop.NewOAuth(whop.OAuthConfig{BaseURL: e.simURL, ClientID: e.clientID, ClientSecret: e.clientSecret})
		if _, err := o.Refresh(ctx, refresh); err == nil {
			t.Error("the refresh token still works after disconnect")
		}
		if e.connections() != 0 {
			t.Error("connection row remains after disconnect")
		}
		if acts := e.auditActions(); len(acts) == 0 || acts[0] != "whop.disconnected" {
			t.Errorf("audit = %v; want whop.disconnected first", acts)
		}
	})
}

// simStatus makes one API call at the simulator with a bearer token.
func (e *env) simStatus(token string) int {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.simURL+"/api/v1/products?company_id="+e.company, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func containsAny(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// TestOAuthConfig: where Whop sends the browser back (the path Roster
// serves and the redirect URI it registers) follows AUTH_WHOP_CALLBACK_URL,
// else ROSTER_BASE_URL; the OAuth origin the settings page allows is the
// scheme and host of Whop's OAuth pages; without a client ID nothing
// starts, and the refusal names the variable to set.
func TestOAuthConfig(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		owner := e.signIn(e.adminEmail, e.adminPassword)
		svc := func(c whopsync.Config) *whopsync.Service {
			t.Helper()
			c.Store, c.Records, c.Sealer = s, e.records, e.sealer
			w, err := whopsync.New(c)
			if err != nil {
				t.Fatal(err)
			}
			return w
		}

		for _, tc := range []struct{ callback, path string }{
			{"https://crm.example/whop/back?from=whop", "/whop/back"},
			{"https://crm.example", "/auth/whop/callback"},
			{"", "/auth/whop/callback"},
		} {
			if got := svc(whopsync.Config{CallbackURL: tc.callback}).CallbackPath(); got != tc.path {
				t.Errorf("CallbackPath() with %q = %q; want %q", tc.callback, got, tc.path)
			}
		}
		for _, tc := range []struct{ base, origin string }{
			{"https://whop.example/oauth-root", "https://whop.example"},
			{"http://127.0.0.1:9999", "http://127.0.0.1:9999"},
			{"", ""},
			{"whop.example", ""},
		} {
			if got := svc(whopsync.Config{OAuthBaseURL: tc.base}).OAuthOrigin(); got != tc.origin {
				t.Errorf("OAuthOrigin() with %q = %q; want %q", tc.base, got, tc.origin)
			}
		}

		// No AUTH_WHOP_CALLBACK_URL: the redirect URI is the base URL's.
		to, err := svc(whopsync.Config{ClientID: e.clientID, OAuthBaseURL: e.simURL, BaseURL: "https://crm.example/"}).BeginOAuth(ctx, owner.sess, e.company)
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(to)
		if err != nil || u.Query().Get("redirect_uri") != "https://crm.example/auth/whop/callback" {
			t.Errorf("BeginOAuth() = %q; want redirect_uri https://crm.example/auth/whop/callback", to)
		}

		_, err = svc(whopsync.Config{OAuthBaseURL: e.simURL}).BeginOAuth(ctx, owner.sess, e.company)
		if !errors.Is(err, crm.ErrInvalid) || !strings.Contains(err.Error(), "AUTH_WHOP_CLIENT_ID") {
			t.Errorf("BeginOAuth() without a client ID = %v; want invalid, naming AUTH_WHOP_CLIENT_ID", err)
		}
	})
}
