package whopsync

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/whop"
)

// oauthStateTTL bounds how long a person may sit on Whop's consent page.
const oauthStateTTL = 15 * time.Minute

func hashHex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// CallbackPath is the path of AUTH_WHOP_CALLBACK_URL, where Whop sends the
// browser back.
func (s *Service) CallbackPath() string {
	if u, err := url.Parse(s.cfg.CallbackURL); err == nil && u.Path != "" {
		return u.Path
	}
	return "/auth/whop/callback"
}

func (s *Service) callbackURL() string {
	if s.cfg.CallbackURL != "" {
		return s.cfg.CallbackURL
	}
	return strings.TrimRight(s.cfg.BaseURL, "/") + "/auth/whop/callback"
}

// sessionOf returns the signed-in admin and the session token of a request.
// OAuth connects are for people in a browser, so API keys do not qualify.
func sessionOf(r *http.Request) (*auth.Principal, string, error) {
	p := auth.PrincipalFrom(r.Context())
	c, err := r.Cookie(auth.SessionCookie)
	if p == nil || err != nil || p.APIKeyID != nil {
		return nil, "", &crm.Error{Cause: crm.ErrUnauthenticated, Code: crm.CodeUnauthenticated, Message: "sign in to Roster as an admin, then connect Whop"}
	}
	if err := auth.RequireAdmin(p); err != nil {
		return nil, "", err
	}
	return p, c.Value, nil
}

// StartOAuthHandler serves GET /auth/whop: it remembers a state and a PKCE
// verifier bound to the admin's session and sends the browser to Whop's
// consent page. ?company_id=biz_... picks the company to connect.
func (s *Service) StartOAuthHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.StartOAuth(r)
		if err != nil {
			httpserver.WriteError(w, r, err)
			return
		}
		http.Redirect(w, r, u, http.StatusFound)
	})
}

// StartOAuth prepares an authorization and returns Whop's authorize URL.
func (s *Service) StartOAuth(r *http.Request) (string, error) {
	p, session, err := sessionOf(r)
	if err != nil {
		return "", err
	}
	if s.cfg.ClientID == "" {
		return "", crm.Invalid("", crm.CodeInvalidValue, "OAuth is not configured: set AUTH_WHOP_CLIENT_ID (and AUTH_WHOP_CLIENT_SECRET), or connect with a company API key")
	}
	company := strings.TrimSpace(r.URL.Query().Get("company_id"))
	if !strings.HasPrefix(company, "biz_") {
		return "", crm.Invalid("company_id", crm.CodeInvalidValue, "give the Whop company to connect as ?company_id=biz_...")
	}
	state, err := whop.NewState()
	if err != nil {
		return "", err
	}
	verifier, err := whop.NewPKCEVerifier()
	if err != nil {
		return "", err
	}
	sealed, err := s.cfg.Sealer.Seal([]byte(verifier), []byte("whop_oauth_states.verifier:"+p.WorkspaceID))
	if err != nil {
		return "", err
	}
	now := s.now()
	st := &store.WhopOAuthState{ID: hashHex(state), WorkspaceID: p.WorkspaceID, UserID: deref(p.UserID), SessionHash: hashHex(session),
		CompanyID: company, VerifierSealed: sealed, RedirectURI: s.callbackURL(), CreatedAt: now, ExpiresAt: now.Add(oauthStateTTL)}
	if err := s.store.WhopOAuthStateCreate(r.Context(), st); err != nil {
		return "", err
	}
	return s.oauth().AuthorizeURL(whop.AuthorizeParams{RedirectURI: st.RedirectURI, State: state, CodeChallenge: whop.PKCEChallenge(verifier), CompanyID: company}), nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

var resultPage = template.Must(template.New("whop").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} · Roster</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>{{.Title}}</h1><p>{{.Message}}</p><p><a href="/">Back to Roster</a></p></main></body></html>`))

// CallbackHandler serves the OAuth callback: it checks the state against
// the session that started the flow, exchanges the code with the PKCE
// verifier, reads the Whop user, and stores the connection.
func (s *Service) CallbackHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handle, err := s.FinishOAuth(r)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err != nil {
			status := http.StatusBadRequest
			msg := err.Error()
			if e, ok := crm.AsError(err); ok {
				resp, _ := httpserver.Classify(e, "")
				status, msg = resp.StatusCode, e.Message
			} else {
				status = http.StatusBadGateway
				s.log.ErrorContext(r.Context(), "whop oauth callback", "error", err)
				msg = "Whop could not complete the connection; try again."
			}
			w.WriteHeader(status)
			_ = resultPage.Execute(w, map[string]string{"Title": "Whop was not connected", "Message": msg})
			return
		}
		_ = resultPage.Execute(w, map[string]string{"Title": "Whop connected", "Message": "Connected as " + handle + ". The first sync has started."})
	})
}

// FinishOAuth completes the flow and returns the Whop handle connected.
func (s *Service) FinishOAuth(r *http.Request) (string, error) {
	ctx := r.Context()
	p, session, err := sessionOf(r)
	if err != nil {
		return "", err
	}
	q := r.URL.Query()
	var st *store.WhopOAuthState
	otherSession := crm.Invalid("state", crm.CodeInvalidValue, "this authorization was started in another session")
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if st, err = s.store.WhopOAuthStateTake(ctx, tx, hashHex(q.Get("state")), s.now()); err != nil {
			return err
		}
		// Someone else's callback URL must not use up the state of the
		// admin who started the flow: roll the take back.
		if st.SessionHash != hashHex(session) || st.WorkspaceID != p.WorkspaceID {
			return otherSession
		}
		return nil
	})
	if errors.Is(err, otherSession) {
		s.auditOAuth(ctx, p, "whop.oauth.rejected", "state from another session")
		return "", err
	}
	if err != nil {
		s.auditOAuth(ctx, p, "whop.oauth.rejected", "bad state")
		return "", err
	}
	if e := q.Get("error"); e != "" {
		s.auditOAuth(ctx, p, "whop.oauth.denied", e)
		msg := "Whop did not grant access (" + e + ")"
		if d := q.Get("error_description"); d != "" {
			msg += ": " + d
		}
		return "", crm.Invalid("error", crm.CodeInvalidValue, "%s", msg)
	}
	verifier, err := s.cfg.Sealer.Open(st.VerifierSealed, []byte("whop_oauth_states.verifier:"+p.WorkspaceID))
	if err != nil {
		return "", err
	}
	o := s.oauth()
	tok, err := o.ExchangeCode(ctx, q.Get("code"), string(verifier), st.RedirectURI)
	if err != nil {
		var oe *whop.OAuthError
		if errors.As(err, &oe) {
			s.auditOAuth(ctx, p, "whop.oauth.rejected", oe.Code)
			return "", crm.Invalid("code", crm.CodeInvalidValue, "Whop refused the authorization code (%s): start again", oe.Code)
		}
		return "", err
	}
	info, err := o.UserInfo(ctx, tok.AccessToken)
	if err != nil {
		return "", err
	}
	handle := info.PreferredUsername
	if handle == "" {
		handle = info.Sub
	}
	now := s.now()
	conn := &store.WhopConnection{WorkspaceID: p.WorkspaceID, Method: MethodOAuth, CompanyID: st.CompanyID, Handle: handle,
		Scopes: tok.Scope, CreatedAt: now, UpdatedAt: now}
	if !tok.Expiry.IsZero() {
		exp := tok.Expiry
		conn.TokenExpiresAt = &exp
	}
	if conn.AccessTokenSealed, err = s.seal("access_token", p.WorkspaceID, tok.AccessToken); err != nil {
		return "", err
	}
	if conn.RefreshTokenSealed, err = s.seal("refresh_token", p.WorkspaceID, tok.RefreshToken); err != nil {
		return "", err
	}
	client, err := s.newClient(whop.StaticToken(tok.AccessToken), st.CompanyID)
	if err != nil {
		return "", err
	}
	s.attachWebhook(ctx, client, conn)
	if err := s.saveConnection(ctx, p, conn); err != nil {
		return "", err
	}
	return handle, nil
}

func (s *Service) auditOAuth(ctx context.Context, p *auth.Principal, action, reason string) {
	if err := s.audit(ctx, s.store.Write, p.WorkspaceID, action, p.Actor(), p.UserID, map[string]any{"reason": reason}); err != nil {
		s.log.Error("whop oauth: audit", "error", err)
	}
}
