package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/whopsync"
)

// registerWhopOAuth mounts the two hops of connecting Whop by OAuth: GET
// /auth/whop sends the admin to Whop's consent page, and the callback path
// (of AUTH_WHOP_CALLBACK_URL) is where Whop sends the browser back. Neither
// goes through the UI's error adapter: a refused start answers JSON with
// its status (401 signed out, 403 not an admin, 400 no company), and the
// callback renders its own outcome page.
func (u *UI) registerWhopOAuth(mux Mux, authn func(http.Handler) http.Handler) {
	if u.cfg.Whop == nil {
		return
	}
	mux.Handle("GET /auth/whop", authn(u.secureHeaders(http.HandlerFunc(u.whopOAuthStart))))
	mux.Handle("GET "+u.cfg.Whop.CallbackPath(), authn(u.secureHeaders(http.HandlerFunc(u.whopOAuthCallback))))
}

// oauthSession is the signed-in person and the session cookie the flow is
// bound to (empty when signed out; the service refuses it).
func oauthSession(r *http.Request) whopsync.OAuthSession {
	s := whopsync.OAuthSession{Principal: auth.PrincipalFrom(r.Context())}
	if c, err := r.Cookie(auth.SessionCookie); err == nil {
		s.Token = c.Value
	}
	return s
}

// whopOAuthStart serves GET /auth/whop?company_id=biz_...: the service
// remembers a state bound to the session and names Whop's consent page.
func (u *UI) whopOAuthStart(w http.ResponseWriter, r *http.Request) {
	to, err := u.cfg.Whop.BeginOAuth(r.Context(), oauthSession(r), r.URL.Query().Get("company_id"))
	if err != nil {
		httpserver.WriteError(w, r, err)
		return
	}
	http.Redirect(w, r, to, http.StatusFound)
}

// whopOAuthCallback completes the connection and says how it went: 200 and
// the handle connected, the refusal's status and message (a bad or replayed
// state, another session's state, denied consent, a code Whop refused), or
// 502 when Whop or Roster failed in a way the person can only retry.
func (u *UI) whopOAuthCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	handle, err := u.cfg.Whop.CompleteOAuth(r.Context(), oauthSession(r), whopsync.OAuthCallback{
		State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error"), ErrorDescription: q.Get("error_description")})
	title, status, msg := "Whop connected", http.StatusOK, "Connected as "+handle+". The first sync has started."
	if err != nil {
		title = "Whop was not connected"
		if e, ok := crm.AsError(err); ok {
			resp, _ := httpserver.Classify(e, "")
			status, msg = resp.StatusCode, e.Message
		} else {
			httpserver.Logger(r.Context()).ErrorContext(r.Context(), "whop oauth callback", "error", err)
			status, msg = http.StatusBadGateway, "Whop could not complete the connection; try again."
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = u.pages.render(w, "whop_oauth", u.page(r, title, map[string]any{"Message": msg}))
}
