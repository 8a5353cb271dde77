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
)

// browser is a person's browser: it carries the Roster session cookie to
// Roster (never to Whop) and does not follow redirects, so every hop of the
// OAuth dance is checked.
type browser struct {
	t      testing.TB
	e      *env
	cookie string
	client *http.Client
}

// page is one answer the browser got.
type page struct {
	status   int
	location string
	body     string
}

func (e *env) browser(cookie string) *browser {
	return &browser{t: e.t, e: e, cookie: cookie, client: &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// signIn logs a person in and returns their browser.
func (e *env) signIn(email, password string) *browser {
	e.t.Helper()
	sess, err := e.auth.Login(context.Background(), email, password, e.ws)
	if err != nil {
		e.t.Fatalf("Login(%s) = %v", email, err)
	}
	return e.browser(sess.Token)
}

// addMember adds a person to the workspace with a role and signs them in.
func (e *env) addMember(email string, role auth.Role) *browser {
	e.t.Helper()
	if _, err := e.auth.AddMember(context.Background(), auth.AddMemberParams{WorkspaceID: e.ws, Email: email, Password: "password-2", Role: role}); err != nil {
		e.t.Fatalf("AddMember(%s) = %v", email, err)
	}
	return e.signIn(email, "password-2")
}

func (b *browser) do(method, rawURL string, form url.Values) page {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.cookie != "" && strings.HasPrefix(rawURL, b.e.roster.URL) {
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: b.cookie})
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return page{status: res.StatusCode, location: res.Header.Get("Location"), body: string(raw)}
}

func (b *browser) get(rawURL string) page { return b.do(http.MethodGet, rawURL, nil) }

// start opens /auth/whop and checks the redirect to Whop's authorize page:
// the registered redirect URI, a state, and an S256 PKCE challenge. It
// returns the authorize URL and the state.
func (b *browser) start() (string, string) {
	b.t.Helper()
	p := b.get(b.e.roster.URL + "/auth/whop?company_id=" + b.e.company)
	if p.status != http.StatusFound {
		b.t.Fatalf("GET /auth/whop = %d %s; want 302", p.status, p.body)
	}
	u, err := url.Parse(p.location)
	if err != nil || !strings.HasPrefix(p.location, b.e.simURL+"/oauth/authorize?") {
		b.t.Fatalf("redirect to %q; want the simulator's /oauth/authorize", p.location)
	}
	q := u.Query()
	for k, want := range map[string]string{"response_type": "code", "client_id": b.e.clientID, "code_challenge_method": "S256",
		"redirect_uri": b.e.roster.URL + "/auth/whop/callback", "company_id": b.e.company} {
		if got := q.Get(k); got != want {
			b.t.Errorf("authorize %s = %q; want %q", k, got, want)
		}
	}
	if len(q.Get("code_challenge")) != 43 || len(q.Get("state")) < 16 {
		b.t.Errorf("authorize challenge %q state %q; want a 43-character S256 challenge and a long state", q.Get("code_challenge"), q.Get("state"))
	}
	return p.location, q.Get("state")
}

var formField = regexp.MustCompile(`name="(request_id|csrf)" value="([^"]+)"`)

// consent opens Whop's consent page and clicks Approve or Deny on it,
// returning the callback URL Whop sends the browser to.
func (b *browser) consent(authorizeURL string, approve bool) string {
	b.t.Helper()
	p := b.get(authorizeURL)
	if p.status != http.StatusOK || !strings.Contains(p.body, "<form") {
		b.t.Fatalf("consent page = %d %s", p.status, p.body)
	}
	form := url.Values{"decision": {"deny"}}
	if approve {
		form.Set("decision", "approve")
	}
	for _, m := range formField.FindAllStringSubmatch(p.body, -1) {
		form.Set(m[1], m[2])
	}
	ans := b.do(http.MethodPost, b.e.simURL+"/oauth/authorize", form)
	if ans.status != http.StatusFound || !strings.HasPrefix(ans.location, b.e.roster.URL+"/auth/whop/callback?") {
		b.t.Fatalf("consent answer = %d to %q; want 302 to the callback", ans.status, ans.location)
	}
	return ans.location
}

// approved runs the flow up to the callback URL, approved at Whop.
func (b *browser) approved() string {
	b.t.Helper()
	authorize, state := b.start()
	if p := b.get(authorize); p.status != http.StatusOK {
		b.t.Fatalf("consent page = %d", p.status)
	}
	cb, err := b.e.sim.ApprovePending(state, true)
	if err != nil {
		b.t.Fatal(err)
	}
	return cb
}

// connected completes the OAuth flow and returns the stored connection.
func (b *browser) connected() *store.WhopConnection {
	b.t.Helper()
	p := b.get(b.approved())
	if p.status != http.StatusOK || !strings.Contains(p.body, "Whop connected") {
		b.t.Fatalf("callback = %d %s; want the connected page", p.status, p.body)
	}
	conn, err := b.e.store.WhopConnectionGet(context.Background(), nil, b.e.ws)
	if err != nil {
		b.t.Fatal(err)
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
	entries, err := e.svc.AuditLog(context.Background(), e.ws, "whop.", "", 50)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, a := range entries {
		out = append(out, a.Action)
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
		b := e.signIn(e.adminEmail, e.adminPassword)
		authorize, _ := b.start()
		cb := b.consent(authorize, true)
		p := b.get(cb)
		if p.status != http.StatusOK || !strings.Contains(p.body, "Whop connected") {
			t.Fatalf("callback = %d %s", p.status, p.body)
		}
		st, err := e.svc.Status(ctx, e.ws)
		if err != nil {
			t.Fatal(err)
		}
		if !st.Connected || st.Method != "oauth" || st.CompanyID != e.company || st.Handle == "" || st.NeedsReauth {
			t.Fatalf("Status() = %+v; want connected by oauth to %s with a handle", st, e.company)
		}
		if !strings.Contains(p.body, st.Handle) {
			t.Errorf("connected page does not name the handle %q", st.Handle)
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

// TestOAuthCallbackRejections covers every way a callback can be wrong:
// nothing may be stored, and the person sees why.
func TestOAuthCallbackRejections(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		admin := e.signIn(e.adminEmail, e.adminPassword)
		other := e.addMember("second-admin@shop.test", auth.RoleAdmin)
		mia := e.addMember("mia@shop.test", auth.RoleMember)

		expect := func(name string, p page, status int, text string) {
			t.Helper()
			if p.status != status || !strings.Contains(p.body, text) {
				t.Errorf("%s: %d %s; want %d mentioning %q", name, p.status, p.body, status, text)
			}
			if n := e.connections(); n != 0 {
				t.Fatalf("%s: a connection was stored", name)
			}
		}

		// Not signed in, signed in as a member, or with an API key: no flow.
		expect("start signed out", e.browser("").get(e.roster.URL+"/auth/whop?company_id="+e.company), http.StatusUnauthorized, "sign in")
		expect("start as member", mia.get(e.roster.URL+"/auth/whop?company_id="+e.company), http.StatusForbidden, "admin")
		expect("start with unknown cookie", e.browser("not-a-session").get(e.roster.URL+"/auth/whop?company_id="+e.company), http.StatusUnauthorized, "sign in")
		expect("start without company", admin.get(e.roster.URL+"/auth/whop"), http.StatusBadRequest, "company_id")

		// A tampered state is refused, and does not spend the real one.
		cb := admin.approved()
		tampered := strings.Replace(cb, "state=", "state=x", 1)
		expect("tampered state", admin.get(tampered), http.StatusBadRequest, "state")
		expect("callback signed out", e.browser("").get(cb), http.StatusUnauthorized, "sign in")
		expect("callback as member", mia.get(cb), http.StatusForbidden, "admin")
		if p := admin.get(cb); p.status != http.StatusOK {
			t.Fatalf("genuine callback after a tampered one = %d %s", p.status, p.body)
		}
		// Replaying the callback (state and code used) is refused and
		// changes nothing.
		before := e.connectionRow()
		if p := admin.get(cb); p.status != http.StatusBadRequest || !strings.Contains(p.body, "already used") {
			t.Errorf("replayed callback = %d %s; want 400 already used", p.status, p.body)
		}
		if e.connectionRow() != before {
			t.Error("a replayed callback changed the connection")
		}
		if _, err := e.svc.Disconnect(ctx, e.admin); err != nil {
			t.Fatal(err)
		}

		// A state started in one admin's session, finished in another's.
		cb = admin.approved()
		expect("state from another session", other.get(cb), http.StatusBadRequest, "another session")
		// ...which does not use up the state of the admin who started it.
		if p := admin.get(cb); p.status != http.StatusOK {
			t.Fatalf("callback in the starting session after another session's try = %d %s", p.status, p.body)
		}
		if _, err := e.svc.Disconnect(ctx, e.admin); err != nil {
			t.Fatal(err)
		}

		// Denied consent.
		authorize, _ := admin.start()
		expect("denied", admin.get(admin.consent(authorize, false)), http.StatusBadRequest, "did not grant access (access_denied)")

		// The PKCE verifier does not match the challenge Whop saw.
		cb = admin.approved()
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
		expect("bad verifier", admin.get(cb), http.StatusBadRequest, "invalid_grant")

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
