package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
)

type loginForm struct {
	Email string
	Next  string
	Error string
}

// loginPage shows the sign-in form; with no workspace yet it sends the
// visitor to first-run setup instead.
func (u *UI) loginPage(w http.ResponseWriter, r *http.Request) error {
	if done, err := u.cfg.Auth.SetUp(r.Context()); err == nil && !done {
		return u.redirect(w, r, "/setup", "")
	}
	return u.render(w, r, "login", "Sign in", loginForm{Next: safeNext(r.URL.Query().Get("next"))})
}

// loginSubmit checks the password and starts a session with a new token
// (never reusing one the browser brought: no session fixation).
func (u *UI) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(strings.ToLower(r.PostFormValue("email")))
	form := loginForm{Email: email, Next: safeNext(r.PostFormValue("next"))}
	key := clientIP(r) + "|" + email
	now := u.cfg.Now()
	if blocked, _ := u.logins.Blocked(key, now); blocked {
		w.WriteHeader(http.StatusTooManyRequests)
		form.Error = "Too many failed sign-ins. Wait a few minutes and try again."
		return u.render(w, r, "login", "Sign in", form)
	}
	sess, err := u.cfg.Auth.Login(r.Context(), email, r.PostFormValue("password"), "")
	if err != nil {
		if !errors.Is(err, crm.ErrUnauthenticated) && !errors.Is(err, crm.ErrForbidden) {
			return err
		}
		u.logins.Hit(key, now)
		w.WriteHeader(http.StatusUnauthorized)
		form.Error = "That email and password do not match an account."
		return u.render(w, r, "login", "Sign in", form)
	}
	u.logins.Reset(key)
	u.setSession(w, sess)
	next := form.Next
	if next == "" {
		next = "/"
	}
	return u.redirect(w, r, next, "")
}

func (u *UI) setSession(w http.ResponseWriter, sess *auth.Session) {
	http.SetCookie(w, &http.Cookie{Name: auth.SessionCookie, Value: sess.Token, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, Secure: u.secure, SameSite: http.SameSiteLaxMode})
}

// safeNext keeps a post-sign-in redirect on this site: an unsafe next is
// dropped (the caller goes home).
func safeNext(next string) string {
	if !localPath(next) {
		return ""
	}
	return next
}

// logout ends the session.
func (u *UI) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(auth.SessionCookie); err == nil {
		if err := u.cfg.Auth.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: auth.SessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: u.secure, SameSite: http.SameSiteLaxMode})
	return u.redirect(w, r, "/login", "You are signed out.")
}
