package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// Session lifetimes: a session ends after SessionIdleTimeout without a
// request (each request slides it forward), and in any case
// sessionMaxAge after login.
const (
	SessionIdleTimeout = 14 * 24 * time.Hour
	sessionMaxAge      = 90 * 24 * time.Hour
	sessionTokenBytes  = 32
)

// Session is a new browser session as Login returns it. Token goes into an
// HttpOnly cookie and nowhere else; only its SHA-256 is stored.
type Session struct {
	Token     string
	ExpiresAt time.Time
	Principal *Principal
}

// Login checks a password and starts a session in workspaceID, or in the
// user's oldest workspace when workspaceID is empty. Every login gets a new
// token (no session fixation). An unknown email, a wrong password or a
// malformed email all return the same crm.ErrUnauthenticated after the same
// amount of hashing work; a right password for a workspace the user is not a
// member of is crm.ErrForbidden.
func (s *Service) Login(ctx context.Context, email, password, workspaceID string) (*Session, error) {
	u, err := s.checkPassword(ctx, email, password)
	if err != nil {
		return nil, err
	}
	m, err := s.pickMembership(ctx, u.ID, workspaceID)
	if err != nil {
		return nil, err
	}
	b := make([]byte, sessionTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("auth: login: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	now := s.clock()
	expires := now.Add(SessionIdleTimeout)
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.store.SessionCreate(ctx, tx, &store.SessionCreateParams{
			ID: tokenHash(token), UserID: u.ID, WorkspaceID: m.WorkspaceID, Now: now, ExpiresAt: expires}); err != nil {
			return err
		}
		return s.notePlace(ctx, tx, m, now)
	})
	if err != nil {
		return nil, fmt.Errorf("auth: login: %w", err)
	}
	return &Session{Token: token, ExpiresAt: expires, Principal: memberPrincipal(m.WorkspaceID, m.UserID, m.ID, m.Role, m.Name, m.Email)}, nil
}

// notePlace remembers where a sign-in came from and audits a sign-in from a
// new place (see audit.Place for what that is) in the workspace signed in
// to. A sign-in no request started (no address) is not placed.
func (s *Service) notePlace(ctx context.Context, tx *sql.Tx, m *store.Member, now time.Time) error {
	place, ok := audit.PlaceOf(audit.OriginFrom(ctx))
	if !ok {
		return nil
	}
	isNew, known, err := s.store.SignInPlaceSeen(ctx, tx, &store.SignInPlaceParams{UserID: m.UserID, Place: place.Key(m.UserID), Now: now})
	if err != nil || !isNew || !known {
		return err // a first sign-in ever has no place to differ from
	}
	return s.record(ctx, tx, m.WorkspaceID, audit.Entry{Action: audit.SignInNewPlace, Actor: memberActor(m), Target: memberTarget(m),
		Details: map[string]any{"network": place.Network, "browser": place.Browser}})
}

// checkPassword returns the user whose email and password match. Unknown
// emails are verified against a dummy hash so they take as long as a wrong
// password.
func (s *Service) checkPassword(ctx context.Context, email, password string) (*store.User, error) {
	addr, err := normalizeEmail("email", email)
	var u *store.User
	if err == nil {
		u, err = s.store.UserGetByEmail(ctx, s.store.Read, addr)
		if err != nil && !errors.Is(err, crm.ErrNotFound) {
			return nil, fmt.Errorf("auth: login: %w", err)
		}
	}
	hash := s.dummy()
	if u != nil {
		hash = u.PasswordHash
	}
	ok, verr := verifyPassword(hash, password)
	if verr != nil && u != nil {
		return nil, fmt.Errorf("auth: login: user %s: %w", u.ID, verr)
	}
	if u == nil || !ok || len(password) > maxPasswordBytes {
		return nil, errUnauthenticated()
	}
	return u, nil
}

func (s *Service) pickMembership(ctx context.Context, userID, workspaceID string) (*store.Member, error) {
	forbidden := &crm.Error{Cause: crm.ErrForbidden, Code: crm.CodeForbidden, Message: "you are not a member of this workspace"}
	if workspaceID != "" {
		m, err := s.store.MemberGet(ctx, s.store.Read, workspaceID, userID)
		if errors.Is(err, crm.ErrNotFound) {
			return nil, forbidden
		}
		if err != nil {
			return nil, fmt.Errorf("auth: login: %w", err)
		}
		return m, nil
	}
	ms, err := s.store.MemberListByUser(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("auth: login: %w", err)
	}
	if len(ms) == 0 {
		return nil, forbidden
	}
	return ms[0], nil
}

// AuthenticateSession returns the Principal of a live session, with the
// member's current role, or crm.ErrUnauthenticated. Activity slides the
// expiry, written at most once a minute per session; expired sessions are
// deleted when seen.
func (s *Service) AuthenticateSession(ctx context.Context, token string) (*Principal, error) {
	if len(token) != base64.RawURLEncoding.EncodedLen(sessionTokenBytes) {
		return nil, errUnauthenticated()
	}
	id := tokenHash(token)
	ss, err := s.store.SessionGet(ctx, id)
	if errors.Is(err, crm.ErrNotFound) {
		return nil, errUnauthenticated()
	}
	if err != nil {
		return nil, fmt.Errorf("auth: authenticate session: %w", err)
	}
	now := s.clock()
	if !now.Before(ss.ExpiresAt) {
		if err := s.store.SessionDelete(ctx, id); err != nil {
			return nil, fmt.Errorf("auth: authenticate session: %w", err)
		}
		return nil, errUnauthenticated()
	}
	if now.Sub(ss.LastSeenAt) >= touchInterval {
		expires := now.Add(SessionIdleTimeout)
		if limit := ss.CreatedAt.Add(sessionMaxAge); expires.After(limit) {
			expires = limit
		}
		_, err := s.store.SessionTouch(ctx, &store.SessionTouchParams{ID: id, Now: now, ExpiresAt: expires, SeenBefore: now.Add(-touchInterval)})
		if err != nil {
			return nil, fmt.Errorf("auth: authenticate session: %w", err)
		}
	}
	return memberPrincipal(ss.WorkspaceID, ss.UserID, ss.MemberID, ss.Role, ss.Name, ss.Email), nil
}

// Logout ends the session of token. Unknown or expired tokens are not an
// error: the caller clears the cookie either way.
func (s *Service) Logout(ctx context.Context, token string) error {
	if err := s.store.SessionDelete(ctx, tokenHash(token)); err != nil {
		return fmt.Errorf("auth: logout: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions past their expiry and returns how
// many; run it periodically (expired sessions are already refused, this
// only reclaims space).
func (s *Service) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	n, err := s.store.SessionDeleteExpired(ctx, s.clock())
	if err != nil {
		return 0, fmt.Errorf("auth: delete expired sessions: %w", err)
	}
	return n, nil
}

// CSRFToken returns the anti-CSRF token for a session: an HMAC of a fixed
// label under the session token. Nothing extra is stored, the server can
// recompute it on every request from the cookie, and a leaked CSRF token
// (it is embedded in pages) does not reveal the session token.
func CSRFToken(sessionToken string) string {
	mac := hmac.New(sha256.New, []byte(sessionToken))
	mac.Write([]byte("roster csrf v1"))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// VerifyCSRF reports, in constant time, whether token is the CSRF token of
// sessionToken.
func VerifyCSRF(sessionToken, token string) bool {
	if sessionToken == "" || token == "" {
		return false
	}
	return hmac.Equal([]byte(CSRFToken(sessionToken)), []byte(token))
}

func memberPrincipal(workspaceID, userID, memberID, role, name, email string) *Principal {
	if name == "" {
		name = email
	}
	return &Principal{WorkspaceID: workspaceID, UserID: &userID, MemberID: &memberID, Role: Role(role), Name: name}
}
