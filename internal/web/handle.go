package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
)

// handlerFunc is a page or action; a returned error becomes an error page.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle is the one adapter from errors to pages: unauthenticated -> the
// sign-in page, forbidden -> 403, not found -> 404, invalid -> 400 (actions
// usually re-render their form instead), anything else -> 500, logged once.
// POSTs are checked for cross-site origin and, when signed in, the CSRF
// token before the handler runs.
func (u *UI) handle(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			if err := u.checkPost(r); err != nil {
				u.errorPage(w, r, err)
				return
			}
		}
		if err := fn(w, r); err != nil {
			u.errorPage(w, r, err)
		}
	})
}

// checkPost refuses cross-site form posts: browsers say where a request
// comes from (Sec-Fetch-Site, Origin), and a signed-in form must carry the
// session's CSRF token.
func (u *UI) checkPost(r *http.Request) error {
	forbidden := &crm.Error{Cause: crm.ErrForbidden, Code: crm.CodeForbidden, Message: "This form came from another site or an old page. Reload the page and try again."}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return forbidden
	}
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		if ou, err := url.Parse(o); err != nil || ou.Host != r.Host {
			return forbidden
		}
	}
	if c, err := r.Cookie(auth.SessionCookie); err == nil && auth.PrincipalFrom(r.Context()) != nil {
		if !auth.VerifyCSRF(c.Value, r.PostFormValue("csrf_token")) {
			return forbidden
		}
	}
	return nil
}

func (u *UI) errorPage(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, crm.ErrUnauthenticated) {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	resp, ok := httpserver.Classify(err, httpserver.RequestID(r.Context()))
	if !ok {
		httpserver.Logger(r.Context()).ErrorContext(r.Context(), "web: internal error", "error", err, "path", r.URL.Path)
	}
	if resp.StatusCode == httpserver.StatusClientClosedRequest {
		return // the client is gone, and the response may have begun
	}
	w.WriteHeader(resp.StatusCode)
	title := map[int]string{400: "That did not work", 403: "Not allowed", 404: "Not found", 409: "Conflict", 429: "Slow down"}[resp.StatusCode]
	if title == "" {
		title = "Something went wrong"
	}
	_ = u.pages.render(w, "error", u.page(r, title, map[string]any{"Status": resp.StatusCode, "Message": resp.Error.Message}))
}

// requireUser wraps a page that needs a signed-in person.
func (u *UI) requireUser(fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := auth.RequirePrincipal(r.Context()); err != nil {
			return err
		}
		return fn(w, r)
	}
}

// requireAdmin wraps a page or action only admins may use.
func (u *UI) requireAdmin(fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := auth.RequireAdmin(auth.PrincipalFrom(r.Context())); err != nil {
			return err
		}
		return fn(w, r)
	}
}

// notFound answers paths no page owns.
func (u *UI) notFound(w http.ResponseWriter, r *http.Request) error {
	return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "There is no page at this address."}
}
