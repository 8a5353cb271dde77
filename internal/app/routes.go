package app

import (
	"net/http"

	"github.com/roster-crm/roster/internal/graph"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/rest"
	"github.com/roster-crm/roster/internal/web"
)

// authedMux mounts handlers on the server behind the authentication
// middleware, one route at a time, so logs and metrics keep each route's own
// pattern.
type authedMux struct {
	srv   *httpserver.Server
	authn func(http.Handler) http.Handler
}

func (m authedMux) Handle(pattern string, h http.Handler) { m.srv.Handle(pattern, m.authn(h)) }

// mount attaches every front door to the server. Authentication runs first
// for the APIs; each handler decides what a missing principal means.
func (a *App) mount(srv *httpserver.Server) error {
	mux := authedMux{srv: srv, authn: a.Auth.Middleware(httpserver.WriteError)}
	gql := graph.NewHandler(graph.Config{Records: a.Records, Whop: a.Whop, Webhooks: a.Webhooks, Workflows: a.Workflows, Contracts: a.Contracts, AI: a.AI, Audit: a.Audit, Analytics: a.Analytics, Logger: a.Logger})
	mux.Handle("POST /graphql", gql)
	mux.Handle("GET /graphql", gql)
	rest.Register(mux, rest.Config{Records: a.Records, Webhooks: a.Webhooks, Audit: a.Audit, Analytics: a.Analytics, Workflows: a.Workflows, Contracts: a.Contracts, Logger: a.Logger, BaseURL: a.Config.BaseURL})
	// Workflow webhooks: a key when the workflow requires one, else open.
	wh := workflowWebhook{workflows: a.Workflows}
	mux.Handle("POST /webhooks/workflows/{workspaceID}/{workflowID}", wh)
	mux.Handle("GET /webhooks/workflows/{workspaceID}/{workflowID}", wh)
	if a.Contracts != nil {
		srv.Handle("POST /webhooks/esign/{provider}/{workspaceID}", esignWebhook{contracts: a.Contracts})
	}
	if a.Whop != nil {
		// Webhooks authenticate by signature, not by key or session.
		srv.Handle("POST /webhooks/whop", whopWebhook{whop: a.Whop})
		srv.Handle("POST /webhooks/whop/{workspaceID}", whopWebhook{whop: a.Whop})
	}
	ui, err := web.New(web.Config{Records: a.Records, Auth: a.Auth, Insights: a.Insights, Views: a.Views, Mail: a.Mail, Whop: a.Whop, Webhooks: a.Webhooks, Workflows: a.Workflows, AI: a.AI, Contracts: a.Contracts, Audit: a.Audit, Logger: a.Logger, BaseURL: a.Config.BaseURL})
	if err != nil {
		return err
	}
	ui.Register(srv, a.Auth.SessionMiddleware())
	return nil
}
