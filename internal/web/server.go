package web

import (
	"embed"
	"errors"
	"github.com/roster-crm/roster/internal/ai"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/insights"
	"github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/ratelimit"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/views"
	"github.com/roster-crm/roster/internal/webhooks"
	"github.com/roster-crm/roster/internal/whopsync"
	"github.com/roster-crm/roster/internal/workflow"
)

//go:embed templates static
var assets embed.FS

// Config wires the web UI. The UI is a surface: every read and write goes
// through these services, built once by the app; it never holds the store.
type Config struct {
	Records  *records.Service
	Auth     *auth.Service
	Insights *insights.Service // the dashboard's figures
	Views    *views.Service    // saved table views
	Whop     *whopsync.Service // nil when the integration is off
	// Webhooks serves Settings -> Webhooks; nil when they are off.
	Webhooks *webhooks.Service
	// Contracts serves the contract pages and the public signing pages;
	// nil when contracts are off (no encryption key).
	Contracts *contracts.Service
	// Audit records exports and serves Settings -> Audit log; nil means the
	// auth service's.
	Audit *audit.Service
	// Mail is the mailer whose outbox Settings -> Email shows; nil means
	// the auth service's.
	Mail *mail.Service
	// AI serves Settings -> AI; nil when it is off.
	AI *ai.Service
	// Workflows serves Automations; nil when the engine is off.
	Workflows *workflow.Service
	Logger    *slog.Logger
	// BaseURL decides whether cookies are Secure (https) and builds links.
	BaseURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// UI serves the web interface.
type UI struct {
	cfg     Config
	log     *slog.Logger
	pages   *renderer
	secure  bool
	logins  *ratelimit.Window
	static  http.Handler
	mux     *http.ServeMux
	handler http.Handler
}

// Mux is where the UI mounts its routes (the app's server).
type Mux interface {
	Handle(pattern string, h http.Handler)
}

// New builds the UI.
func New(cfg Config) (*UI, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Mail == nil {
		cfg.Mail = cfg.Auth.Mailer()
	}
	if cfg.Audit == nil {
		cfg.Audit = cfg.Auth.AuditLog()
	}
	if cfg.Records == nil || cfg.Auth == nil || cfg.Insights == nil || cfg.Views == nil {
		return nil, errors.New("web: Records, Auth, Insights and Views are required")
	}
	pages, err := newRenderer(assets)
	if err != nil {
		return nil, err
	}
	staticFS, _ := fs.Sub(assets, "static")
	u := &UI{
		cfg: cfg, log: cfg.Logger, pages: pages,
		secure: strings.HasPrefix(cfg.BaseURL, "https://"),
		logins: ratelimit.New(10, 15*time.Minute),
		static: http.StripPrefix("/static/", staticCache(http.FileServerFS(staticFS))),
	}
	return u, nil
}

// Register mounts every page and action on mux. authn is the session
// middleware (it puts the principal in the request context).
func (u *UI) Register(mux Mux, authn func(http.Handler) http.Handler) {
	h := func(pattern string, fn handlerFunc) {
		mux.Handle(pattern, authn(u.secureHeaders(u.handle(fn))))
	}
	mux.Handle("GET /static/", u.static)
	mux.Handle("GET /favicon.ico", http.HandlerFunc(u.favicon))
	for _, r := range u.routes() {
		h(r.pattern, r.fn)
	}
	u.registerWhopOAuth(mux, authn)
}

// route is one page or action.
type route struct {
	pattern string
	fn      handlerFunc
}

// routes lists every page and action of the UI. Each area keeps its own
// list beside its handlers (routes_*.go).
func (u *UI) routes() []route {
	rs := []route{
		{"GET /{$}", u.requireUser(u.dashboard)},
		{"GET /login", u.loginPage},
		{"POST /login", u.loginSubmit},
		{"POST /logout", u.logout},
		{"GET /setup", u.setupPage},
		{"POST /setup", u.setupSubmit},
		// Every other GET gets the UI's own not-found page (with the
		// layout, title and language), not the mux's bare text.
		{"/", u.notFound},
	}
	for _, area := range [][]route{u.tableRoutes(), u.recordRoutes(), u.settingsRoutes(), u.emailRoutes(), u.webhookRoutes(), u.aiRoutes(), u.workflowRoutes(), u.contractRoutes(), u.homeRoutes(), u.importRoutes()} {
		rs = append(rs, area...)
	}
	return rs
}

func staticCache(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

// secureHeaders sets the page security headers: a strict CSP (no inline
// script or style, nothing from elsewhere), no framing, no sniffing, no
// referrer leaks.
func (u *UI) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
