package httpserver

import (
	"context"
	"crypto/subtle"
	"net/http"
	"time"
)

// hstsValue asks browsers to use https only for a year.
const hstsValue = "max-age=31536000"

// secureHeaders sets the headers every response carries, whatever handler
// writes it (GraphQL's and the mux's own 404s included): nosniff, so a
// browser never runs a JSON or CSV answer as a script or page, and HSTS
// when the site is served over https.
func (s *Server) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		if s.cfg.HSTS || r.TLS != nil {
			h.Set("Strict-Transport-Security", hstsValue)
		}
		next.ServeHTTP(w, r)
	})
}

// deadline gives the handler's context HandlerTimeout to finish; database
// calls and outgoing requests made with it stop there. The connection's
// own context is kept for Stream.
func (s *Server) deadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st := stateFrom(r.Context()); st != nil {
			st.conn = r.Context()
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.HandlerTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Stream lifts the request's deadlines (the connection's read and write
// timeouts and the handler's deadline) for a handler that answers for as
// long as its client listens: server-sent events, exports of any size.
// Call it before writing; use the returned request from then on. Its
// context still ends when the client goes away.
func Stream(w http.ResponseWriter, r *http.Request) *http.Request {
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	st := stateFrom(r.Context())
	if st == nil || st.conn == nil {
		return r
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	// net/http ends the connection's context when the client goes away
	// or the handler returns, so this never outlives the request.
	context.AfterFunc(st.conn, cancel)
	return r.WithContext(ctx)
}

// requireToken serves h only to requests bearing token; an empty token
// lets everyone through (a private listener).
func requireToken(token string, h http.Handler) http.Handler {
	if token == "" {
		return h
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "metrics need a bearer token (ROSTER_METRICS_TOKEN)", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}
