// Package httpserver is the HTTP shell every front door (GraphQL, REST, web
// UI, webhooks) mounts into: one ServeMux with Go 1.22 patterns, a fixed
// middleware chain (request ID, access log, metrics, panic recovery, body
// limit), health and readiness probes, /metrics, the one JSON error adapter,
// and graceful shutdown.
package httpserver

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/roster-crm/roster/internal/metrics"
	"github.com/roster-crm/roster/internal/store"
)

// Defaults for Config's zero values.
const (
	DefaultMaxBodyBytes = 1 << 20 // 1 MiB
	DefaultDrainTimeout = 30 * time.Second
	// A 5 MiB upload at 50 KB/s fits the read timeout; the write timeout
	// leaves a handler that used its whole deadline time to answer.
	DefaultReadTimeout    = 2 * time.Minute
	DefaultWriteTimeout   = 3 * time.Minute
	DefaultHandlerTimeout = 2 * time.Minute
)

// Config configures a Server.
type Config struct {
	// Addr is the TCP address to listen on, e.g. ":8080". Ignored when
	// Listener is set.
	Addr string
	// Listener, when set, is served instead of listening on Addr; tests pass
	// one bound to 127.0.0.1:0.
	Listener net.Listener
	// Logger receives access logs and 5xx errors (nil: slog.Default()).
	Logger *slog.Logger
	// Metrics, when set, records request latency. /metrics is served only
	// with MetricsToken or MetricsOpen: by default it is not public.
	Metrics *metrics.Registry
	// MetricsToken, when set, serves /metrics to requests that carry it as
	// "Authorization: Bearer <token>" (ROSTER_METRICS_TOKEN).
	MetricsToken string
	// MetricsOpen serves /metrics without a token, for a server listening
	// on a private address of its own (ROSTER_METRICS_ADDR).
	MetricsOpen bool
	// HSTS adds Strict-Transport-Security to every response: set it when
	// the public URL is https. Responses over a TLS connection get it
	// anyway; browsers ignore it over plain http.
	HSTS bool
	// Store, when set, is pinged and its migrations checked by /readyz.
	Store *store.Store
	// Ready is an extra readiness check (e.g. River's migrations are current);
	// its error message is shown by /readyz, so keep it free of secrets.
	Ready func(ctx context.Context) error
	// MaxBodyBytes caps every request body (0: DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// LargeBodies raises the cap for paths under a prefix (uploads such as
	// CSV imports); everything else keeps MaxBodyBytes.
	LargeBodies map[string]int64
	// DrainTimeout bounds how long Serve waits for in-flight requests after
	// its context ends (0: DefaultDrainTimeout).
	DrainTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included (0:
	// DefaultReadTimeout), so a client trickling its body is cut off.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing a response, counted from the end of the
	// request's headers (0: DefaultWriteTimeout).
	WriteTimeout time.Duration
	// HandlerTimeout is the deadline of every handler's context (0:
	// DefaultHandlerTimeout). Handlers that stream lift all three with
	// Stream.
	HandlerTimeout time.Duration
}

// Server is the HTTP shell. Mount routes with Handle before calling Serve.
type Server struct {
	cfg     Config
	logger  *slog.Logger
	mux     *http.ServeMux
	handler http.Handler

	mu        sync.Mutex
	addr      string
	listening chan struct{}
	once      sync.Once
}

// New builds a server with /healthz, /readyz and (with Metrics and either
// MetricsToken or MetricsOpen) /metrics mounted.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	cfg.DrainTimeout = cmp.Or(cfg.DrainTimeout, DefaultDrainTimeout)
	cfg.ReadTimeout = cmp.Or(cfg.ReadTimeout, DefaultReadTimeout)
	cfg.WriteTimeout = cmp.Or(cfg.WriteTimeout, DefaultWriteTimeout)
	cfg.HandlerTimeout = cmp.Or(cfg.HandlerTimeout, DefaultHandlerTimeout)
	s := &Server{cfg: cfg, logger: cfg.Logger, mux: http.NewServeMux(), addr: cfg.Addr, listening: make(chan struct{})}
	s.handler = s.chain(s.mux)
	s.HandleFunc("GET /healthz", s.healthz)
	s.HandleFunc("GET /readyz", s.readyz)
	if cfg.Metrics != nil && (cfg.MetricsOpen || cfg.MetricsToken != "") {
		s.Handle("GET /metrics", requireToken(cfg.MetricsToken, cfg.Metrics.Handler()))
	}
	return s
}

// Handle mounts h on a ServeMux pattern ("POST /rest/{object}", "/graphql").
// The pattern, not the path, labels the request's log line and metrics.
// Like http.ServeMux, it panics on a conflicting pattern.
func (s *Server) Handle(pattern string, h http.Handler) {
	s.mux.Handle(pattern, recordRoute(h))
}

// HandleFunc is Handle for a function.
func (s *Server) HandleFunc(pattern string, f func(http.ResponseWriter, *http.Request)) {
	s.Handle(pattern, http.HandlerFunc(f))
}

// Handler returns the full middleware chain over the mux, for httptest.
func (s *Server) Handler() http.Handler { return s.handler }

// Addr returns the address being served: the bound address (with the real
// port when listening on port 0) once Listening is closed, else Config.Addr.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Listening is closed once Serve has bound its listener.
func (s *Server) Listening() <-chan struct{} { return s.listening }

// Serve listens and serves until ctx ends, then shuts down gracefully: it
// stops accepting connections, waits up to DrainTimeout for in-flight
// requests to finish, and returns after they have. It returns nil after a
// clean shutdown. Call it once.
func (s *Server) Serve(ctx context.Context) error {
	ln := s.cfg.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", s.cfg.Addr); err != nil {
			return fmt.Errorf("httpserver: listen on %s: %w", s.cfg.Addr, err)
		}
	}
	s.mu.Lock()
	s.addr = ln.Addr().String()
	s.mu.Unlock()
	s.once.Do(func() { close(s.listening) })

	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.logger.Info("http server listening", "addr", s.Addr())

	select {
	case err := <-errc:
		return fmt.Errorf("httpserver: serve: %w", err)
	case <-ctx.Done():
	}
	drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.DrainTimeout)
	defer cancel()
	err := srv.Shutdown(drainCtx)
	if serveErr := <-errc; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	if err != nil {
		_ = srv.Close() // drain timed out: cut the remaining connections
		return fmt.Errorf("httpserver: shutdown: %w", err)
	}
	s.logger.Info("http server stopped")
	return nil
}
