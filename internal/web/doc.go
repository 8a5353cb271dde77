// Package web is Roster's server-rendered user interface: html/template pages
// over the same services as the APIs, with embedded static assets and no
// SPA framework. Every core flow works without JavaScript; the small scripts
// in static/js only enhance (command palette, kanban drag, live sync
// progress).
//
// Layout: one file per page or action (people_list.go, person_show.go,
// person_update.go ...), each with its template under templates/pages.
// Handlers are func(w, r) error; one adapter (handle) renders errors as
// pages. Every page shares the layout (skip link, landmarks, navigation) and
// one stylesheet built on CSS custom properties.
//
// Security: sessions live in an HttpOnly, SameSite=Lax cookie (Lax so the
// Whop OAuth redirect back to Roster still carries it); every POST carries
// the session's CSRF token; responses send a strict Content-Security-Policy
// with no inline script or style; output is escaped by html/template.
package web
