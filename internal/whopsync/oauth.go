package whopsync

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
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

// OAuthSession is who runs an OAuth connect: the signed-in admin and the
// browser session the flow is bound to. The state Whop hands back is only
// accepted in the session that started the flow, so a callback URL planted
// in another browser connects nothing.
type OAuthSession struct {
	Principal *auth.Principal
	// Token is the session cookie's value; only its hash is stored.
	Token string
}

// admin returns the session's admin. OAuth connects are for people in a
// browser, so API keys do not qualify.
func (o OAuthSession) admin() (*auth.Principal, error) {
	p := o.Principal
	if p == nil || o.Token == "" || p.APIKeyID != nil {
		return nil, &crm.Error{Cause: crm.ErrUnauthenticated, Code: crm.CodeUnauthenticated, Message: "sign in to Roster as an admin, then connect Whop"}
	}
	if err := auth.RequireAdmin(p); err != nil {
		return nil, err
	}
	return p, nil
}

// OAuthCallback is what Whop sends the browser back to the callback URL
// with: a code for the state, or the error the person's refusal produced.
type OAuthCallback struct {
	State, Code             string
	Error, ErrorDescription string
}

// BeginOAuth remembers a state and a PKCE verifier bound to the admin's
// session and returns Whop's consent page for companyID (biz_...), where
// the browser goes next.
func (s *Service) BeginOAuth(ctx context.Context, sess OAuthSession, companyID string) (string, error) {
	p, err := sess.admin()
	if err != nil {
		return "", err
	}
	if s.cfg.ClientID == "" {
		return "", crm.Invalid("", crm.CodeInvalidValue, "OAuth is not configured: set AUTH_WHOP_CLIENT_ID (and AUTH_WHOP_CLIENT_SECRET), or connect with a company API key")
	}
	company := strings.TrimSpace(companyID)
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
	st := &store.WhopOAuthState{ID: hashHex(state), WorkspaceID: p.WorkspaceID, UserID: deref(p.UserID), SessionHash: hashHex(sess.Token),
		CompanyID: company, VerifierSealed: sealed, RedirectURI: s.callbackURL(), CreatedAt: now, ExpiresAt: now.Add(oauthStateTTL)}
	if err := s.store.WhopOAuthStateCreate(ctx, st); err != nil {
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

// CompleteOAuth finishes the flow the callback reports: it checks the state
// against the session that started it, exchanges the code with the PKCE
// verifier, reads the Whop user, stores the connection (registering its
// webhook) and returns the Whop handle connected. Refusals are crm errors
// whose message is safe to show; any other error is Whop or Roster failing.
func (s *Service) CompleteOAuth(ctx context.Context, sess OAuthSession, cb OAuthCallback) (string, error) {
	p, err := sess.admin()
	if err != nil {
		return "", err
	}
	var st *store.WhopOAuthState
	otherSession := crm.Invalid("state", crm.CodeInvalidValue, "this authorization was started in another session")
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if st, err = s.store.WhopOAuthStateTake(ctx, tx, hashHex(cb.State), s.now()); err != nil {
			return err
		}
		// Someone else's callback URL must not use up the state of the
		// admin who started the flow: roll the take back.
		if st.SessionHash != hashHex(sess.Token) || st.WorkspaceID != p.WorkspaceID {
			return otherSession
		}
		return nil
	})
	if errors.Is(err, otherSession) {
		s.auditOAuth(ctx, p, audit.WhopOAuthRejected, "state from another session")
		return "", err
	}
	if err != nil {
		s.auditOAuth(ctx, p, audit.WhopOAuthRejected, "bad state")
		return "", err
	}
	if e := cb.Error; e != "" {
		s.auditOAuth(ctx, p, audit.WhopOAuthDenied, e)
		msg := "Whop did not grant access (" + e + ")"
		if d := cb.ErrorDescription; d != "" {
			msg += ": " + d
		}
		return "", crm.Invalid("error", crm.CodeInvalidValue, "%s", msg)
	}
	verifier, err := s.cfg.Sealer.Open(st.VerifierSealed, []byte("whop_oauth_states.verifier:"+p.WorkspaceID))
	if err != nil {
		return "", err
	}
	o := s.oauth()
	tok, err := o.ExchangeCode(ctx, cb.Code, string(verifier), st.RedirectURI)
	if err != nil {
		// A refusal (4xx) is final for this code; Whop failing (5xx) is
		// not the person's fault and is worth another try.
		var oe *whop.OAuthError
		if errors.As(err, &oe) && oe.Status < 500 {
			s.auditOAuth(ctx, p, audit.WhopOAuthRejected, oe.Code)
			return "", crm.Invalid("code", crm.CodeInvalidValue, "Whop refused the authorization code (%s): start again", oe.Code)
		}
		return "", fmt.Errorf("whopsync: exchange the authorization code: %w", err)
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

func (s *Service) auditOAuth(ctx context.Context, p *auth.Principal, action audit.Action, reason string) {
	if err := s.audit(ctx, nil, p.WorkspaceID, action, p.AuditActor(), map[string]any{"reason": reason}); err != nil {
		s.log.Error("whop oauth: audit", "error", err)
	}
}
