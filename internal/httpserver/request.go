package httpserver

import (
	"context"
	"log/slog"
	"net/http"
)

// routeUnmatched labels requests no pattern matched (404/405 from the mux),
// so arbitrary paths never become metric labels.
const routeUnmatched = "unmatched"

// reqState is the per-request record the middleware shares through the
// context. The mux sets r.Pattern on its own copy of the request, so the
// matched route travels back out through this pointer instead.
type reqState struct {
	id     string
	logger *slog.Logger
	route  string
	rec    *recorder
	// conn is the request's context before the handler deadline: it
	// ends only when the client goes away (see Stream).
	conn context.Context
}

type stateKey struct{}

func stateFrom(ctx context.Context) *reqState {
	st, _ := ctx.Value(stateKey{}).(*reqState)
	return st
}

// RequestID returns the request's ID (from a sane incoming X-Request-ID, or
// generated), or "" outside a request served by Server.
func RequestID(ctx context.Context) string {
	if st := stateFrom(ctx); st != nil {
		return st.id
	}
	return ""
}

// Logger returns the server's logger with the request ID attached, or
// slog.Default() outside a request served by Server.
func Logger(ctx context.Context) *slog.Logger {
	if st := stateFrom(ctx); st != nil {
		return st.logger
	}
	return slog.Default()
}

// recordRoute notes the matched pattern for the access log and metrics.
func recordRoute(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st := stateFrom(r.Context()); st != nil && r.Pattern != "" {
			st.route = r.Pattern
		}
		h.ServeHTTP(w, r)
	})
}

// recorder captures the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rw *recorder) WriteHeader(code int) {
	if rw.status == 0 && code >= 200 {
		rw.status = code
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recorder) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.ResponseWriter.Write(b)
	rw.bytes += int64(n)
	return n, err
}

// Flush lets handlers that stream use http.Flusher directly.
func (rw *recorder) Flush() {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	if f, ok := rw.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

func (rw *recorder) wroteHeader() bool { return rw.status != 0 }
