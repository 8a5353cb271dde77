package whop

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// TokenSource supplies the bearer credential for API calls. Token returns the
// current one; Refresh is called once after a 401 and returns a new one. A
// refresh that can never succeed (a rejected API key, a revoked refresh token)
// returns an error matching ErrReauthRequired.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
	Refresh(ctx context.Context) (string, error)
}

// StaticToken is a company or app API key. It cannot be refreshed: a 401 means
// the key was revoked or belongs to another environment (sandbox vs
// production), and the workspace must be reconnected.
type StaticToken string

// Token returns the key.
func (t StaticToken) Token(context.Context) (string, error) {
	if t == "" {
		return "", &ReauthRequiredError{Reason: "no API key"}
	}
	return string(t), nil
}

// Refresh always fails with ErrReauthRequired.
func (t StaticToken) Refresh(context.Context) (string, error) {
	return "", &ReauthRequiredError{Reason: "API key rejected"}
}

// OAuthTokenSource is a TokenSource over a user's OAuth grant. It refreshes
// ahead of expiry and on demand, one refresh at a time, and hands every new
// token pair to Save before using it: Whop rotates refresh tokens on every
// use, so a pair that is not stored is a grant that is lost.
type OAuthTokenSource struct {
	oauth *OAuth
	save  func(context.Context, OAuthToken) error
	now   func() time.Time

	mu          sync.Mutex
	tok         OAuthToken
	refreshedAt time.Time
}

// NewOAuthTokenSource starts from tok (as loaded from storage). save persists a
// rotated pair (atomically, in the caller's store); if it fails, Refresh fails
// too. now may be nil (time.Now).
func NewOAuthTokenSource(o *OAuth, tok OAuthToken, save func(context.Context, OAuthToken) error, now func() time.Time) *OAuthTokenSource {
	if now == nil {
		now = time.Now
	}
	return &OAuthTokenSource{oauth: o, save: save, now: now, tok: tok}
}

// expirySkew refreshes a little before Whop would refuse the token, so a
// request never leaves with a token that expires in flight.
const expirySkew = time.Minute

// Token returns the access token, refreshing first when it is about to expire.
func (s *OAuthTokenSource) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok.AccessToken != "" && (s.tok.Expiry.IsZero() || s.now().Add(expirySkew).Before(s.tok.Expiry)) {
		return s.tok.AccessToken, nil
	}
	return s.refreshLocked(ctx)
}

// refreshDedupe is how long a fresh token is trusted after a refresh: when
// several requests hit 401 with the same stale token, the first refreshes and
// the rest reuse its result instead of spending more refresh tokens.
const refreshDedupe = 10 * time.Second

// Refresh exchanges the refresh token for a new pair, unless another caller
// did so in the last few seconds.
func (s *OAuthTokenSource) Refresh(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.refreshedAt.IsZero() && s.now().Sub(s.refreshedAt) < refreshDedupe && s.tok.AccessToken != "" {
		return s.tok.AccessToken, nil
	}
	return s.refreshLocked(ctx)
}

func (s *OAuthTokenSource) refreshLocked(ctx context.Context) (string, error) {
	if s.tok.RefreshToken == "" {
		return "", &ReauthRequiredError{Reason: "no refresh token"}
	}
	tok, err := s.oauth.Refresh(ctx, s.tok.RefreshToken)
	if err != nil {
		return "", err
	}
	if tok.RefreshToken == "" {
		// Whop documents rotation; if a response ever omits the new refresh
		// token, the old one is the only one we have.
		tok.RefreshToken = s.tok.RefreshToken
	}
	if s.save != nil {
		if err := s.save(ctx, *tok); err != nil {
			return "", fmt.Errorf("whop: save refreshed token: %w", err)
		}
	}
	s.tok = *tok
	s.refreshedAt = s.now()
	return tok.AccessToken, nil
}

// Current returns the token pair in use (for callers that persist it).
func (s *OAuthTokenSource) Current() OAuthToken {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tok
}
