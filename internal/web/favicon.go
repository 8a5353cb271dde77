package web

import "net/http"

// favicon answers browsers (and API tools) that ask for /favicon.ico without
// reading the layout's <link rel="icon">: the same SVG, so the request is
// not a logged 404 on every first visit.
func (u *UI) favicon(w http.ResponseWriter, r *http.Request) {
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/static/favicon.svg"
	u.static.ServeHTTP(w, r2)
}
