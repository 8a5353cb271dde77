package httpserver

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/google/uuid"
)

// HeaderRequestID carries the request ID in both directions.
const HeaderRequestID = "X-Request-ID"

// chain wraps h in the middleware, outermost first: body limit (outermost
// so MaxBytesReader sees net/http's own writer and can close the
// connection), security headers, request ID with access log and metrics,
// the request's origin for the audit log, the handler deadline, panic
// recovery.
func (s *Server) chain(h http.Handler) http.Handler {
	return s.limitBody(s.secureHeaders(s.observe(origin(s.deadline(s.recoverPanics(h))))))
}

// observe assigns the request ID, then logs and measures the request once it
// is done. The log line carries no headers and no body: Authorization and
// Cookie values never reach the logs.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(HeaderRequestID)
		if !saneRequestID(id) {
			id = uuid.NewString()
		}
		w.Header().Set(HeaderRequestID, id)
		st := &reqState{
			id:     id,
			logger: s.logger.With("request_id", id),
			route:  routeUnmatched,
			rec:    &recorder{ResponseWriter: w},
		}
		r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
		defer func() {
			d := time.Since(start)
			status := st.rec.status
			if status == 0 {
				status = http.StatusOK
			}
			if s.cfg.Metrics != nil {
				s.cfg.Metrics.ObserveHTTP(st.route, r.Method, status, d)
			}
			level := slog.LevelInfo
			if isProbe(st.route) {
				level = slog.LevelDebug
			}
			s.logger.LogAttrs(r.Context(), level, "http request",
				slog.String("method", r.Method),
				slog.String("route", st.route),
				slog.Int("status", status),
				slog.Duration("duration", d),
				slog.Int64("bytes", st.rec.bytes),
				slog.String("request_id", id),
			)
		}()
		next.ServeHTTP(st.rec, r)
	})
}

func isProbe(route string) bool {
	return route == "GET /healthz" || route == "GET /readyz" || route == "GET /metrics"
}

// saneRequestID accepts IDs a proxy or client might send (UUIDs, hex, short
// tokens) and rejects anything long or with characters that could forge log
// lines or headers.
func saneRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

// recoverPanics turns a handler panic into a 500 JSON response (if nothing
// was written yet) and logs it once with its stack. http.ErrAbortHandler is
// re-raised: it is net/http's way to abort a response on purpose.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			Logger(r.Context()).Error("panic serving request",
				"panic", fmt.Sprint(p), "route", routeOf(r), "stack", string(debug.Stack()))
			if st := stateFrom(r.Context()); st == nil || !st.rec.wroteHeader() {
				writeErrorResponse(w, internalError(RequestID(r.Context())))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func routeOf(r *http.Request) string {
	if st := stateFrom(r.Context()); st != nil {
		return st.route
	}
	return routeUnmatched
}

// limitBody caps the request body; reading past the limit fails with
// *http.MaxBytesError, which WriteError maps to 413.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			limit := s.cfg.MaxBodyBytes
			for prefix, n := range s.cfg.LargeBodies {
				if strings.HasPrefix(r.URL.Path, prefix) {
					limit = n
				}
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}
