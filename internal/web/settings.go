package web

import (
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
)

// settingsFormErrors turns a client-facing error into the form's field
// messages: fields maps the service's field names (API paths) to the
// form's input names; an unmapped field lands on fallback. It reports false
// for errors that are not client-facing (they become 500s).
func settingsFormErrors(err error, fields map[string]string, fallback string) (map[string]string, bool) {
	e, ok := crm.AsError(err)
	if !ok {
		return nil, false
	}
	name, found := fields[e.Field]
	if !found {
		name = fallback
	}
	msg := e.Message
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	return map[string]string{name: msg}, true
}

// settingsIsAdmin reports whether the signed-in person may change settings.
func settingsIsAdmin(r *http.Request) bool {
	return auth.RequireAdmin(auth.PrincipalFrom(r.Context())) == nil
}

// settingsLink builds an absolute link to path on this deployment, for
// links people copy out of Roster (invites, password resets).
func (u *UI) settingsLink(r *http.Request, path string) string {
	base := strings.TrimRight(u.cfg.BaseURL, "/")
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + path
}

// settingsNotFound is the 404 for a settings item that is not in the
// caller's workspace.
func settingsNotFound(what string) error {
	return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "That " + what + " does not exist in this workspace."}
}
