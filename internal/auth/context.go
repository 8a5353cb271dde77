package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
)

type principalKey struct{}

// WithPrincipal returns a context carrying the authenticated caller.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the caller the Middleware authenticated, or nil.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// RequirePrincipal returns the caller, or an ErrUnauthenticated error.
func RequirePrincipal(ctx context.Context) (*Principal, error) {
	if p := PrincipalFrom(ctx); p != nil {
		return p, nil
	}
	return nil, errUnauthenticated()
}

// Actor is how the caller appears in createdBy and on the timeline.
func (p *Principal) Actor() crm.Actor {
	if p.APIKeyID != nil {
		return crm.Actor{Source: crm.SourceAPI, Name: p.Name}
	}
	return crm.Actor{Source: crm.SourceManual, WorkspaceMemberID: p.MemberID, Name: p.Name}
}

// SessionCookie is the name of the web UI's session cookie.
const SessionCookie = "roster_session"

// CSRFHeader carries the CSRF token of cookie-authenticated API calls.
const CSRFHeader = "X-CSRF-Token"

// Middleware authenticates a request by its API key (Authorization: Bearer)
// or its session cookie and stores the principal in the request context. A
// request with bad credentials is rejected with 401 by onError; a request
// without any passes through unauthenticated, and handlers decide.
//
// A session cookie is sent by the browser on any request, including forged
// cross-site ones, so a cookie-authenticated request that is not GET/HEAD
// must also carry the session's CSRF token in X-CSRF-Token; API keys need no
// such check because browsers never attach them on their own.
func (s *Service) Middleware(onError func(http.ResponseWriter, *http.Request, error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var (
				p   *Principal
				err error
			)
			if h := r.Header.Get("Authorization"); h != "" {
				token, ok := strings.CutPrefix(h, "Bearer ")
				if !ok {
					onError(w, r, &crm.Error{Cause: crm.ErrUnauthenticated, Code: crm.CodeUnauthenticated, Message: "Authorization must be \"Bearer <api key>\""})
					return
				}
				p, err = s.AuthenticateAPIKey(r.Context(), strings.TrimSpace(token))
			} else if c, cerr := r.Cookie(SessionCookie); cerr == nil && c.Value != "" {
				p, err = s.AuthenticateSession(r.Context(), c.Value)
				if errors.Is(err, crm.ErrUnauthenticated) || errors.Is(err, crm.ErrNotFound) {
					p, err = nil, nil // an expired or unknown session cookie is just "signed out"
				}
				if p != nil && r.Method != http.MethodGet && r.Method != http.MethodHead && !VerifyCSRF(c.Value, r.Header.Get(CSRFHeader)) {
					onError(w, r, &crm.Error{Cause: crm.ErrForbidden, Code: crm.CodeForbidden, Message: "missing or wrong " + CSRFHeader + " header for a session-authenticated request"})
					return
				}
			}
			if err != nil {
				onError(w, r, err)
				return
			}
			if p != nil {
				r = r.WithContext(WithPrincipal(r.Context(), p))
			}
			next.ServeHTTP(w, r)
		})
	}
}

// SessionMiddleware authenticates browser requests by their session cookie
// only (API keys are for the APIs) and never rejects: pages decide what a
// missing principal means. The web UI checks CSRF tokens in its forms.
func (s *Service) SessionMiddleware() func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
				if p, err := s.AuthenticateSession(r.Context(), c.Value); err == nil {
					r = r.WithContext(WithPrincipal(r.Context(), p))
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}
