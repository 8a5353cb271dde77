package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
)

type passwordForgotData struct {
	Email string
	Sent  bool
}

// passwordForgot asks for the email of the account to reset.
func (u *UI) passwordForgot(w http.ResponseWriter, r *http.Request) error {
	return u.render(w, r, "password_forgot", "Reset your password", passwordForgotData{})
}

// passwordForgotSubmit creates a reset link when the account exists. No
// mail server is configured, so the link goes to the server log at info
// level for the operator to pass on. The answer is the same whether or not
// the account exists.
func (u *UI) passwordForgotSubmit(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PostFormValue("email"))
	// Reset requests share the sign-in limiter: each one counts as an
	// attempt for this address, so the form cannot be used to flood the log
	// or probe accounts at speed.
	key, now := "reset|"+clientIP(r), u.cfg.Now()
	if blocked, _ := u.logins.Blocked(key, now); blocked {
		w.WriteHeader(http.StatusTooManyRequests)
		return u.render(w, r, "password_forgot", "Reset your password", passwordForgotData{Email: email, Sent: true})
	}
	u.logins.Hit(key, now)
	token, user, err := u.cfg.Auth.RequestPasswordReset(r.Context(), email)
	if err != nil {
		return err
	}
	if token != "" {
		link := u.settingsLink(r, "/password/reset/"+token)
		u.log.InfoContext(r.Context(), fmt.Sprintf("password reset link for %s: %s", user.Email, link))
	}
	return u.render(w, r, "password_forgot", "Reset your password", passwordForgotData{Email: email, Sent: true})
}

type passwordResetData struct {
	Token  string
	Errors map[string]string
}

// passwordReset is where a reset link lands: choose a new password.
func (u *UI) passwordReset(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	if err := u.cfg.Auth.CheckPasswordReset(r.Context(), token); err != nil {
		return err
	}
	return u.render(w, r, "password_reset", "Choose a new password", passwordResetData{Token: token, Errors: map[string]string{}})
}

// passwordResetSubmit sets the new password, which ends every session of
// the account, then signs this browser in with a new one.
func (u *UI) passwordResetSubmit(w http.ResponseWriter, r *http.Request) error {
	d := passwordResetData{Token: r.PathValue("token"), Errors: map[string]string{}}
	password := r.PostFormValue("password")
	if password != r.PostFormValue("password_confirm") {
		d.Errors["password_confirm"] = "The two passwords are not the same."
		w.WriteHeader(http.StatusBadRequest)
		return u.render(w, r, "password_reset", "Choose a new password", d)
	}
	sess, err := u.cfg.Auth.ResetPassword(r.Context(), d.Token, password)
	if errors.Is(err, crm.ErrNotFound) {
		return err // used or expired while the form was open: the 404 page says so
	}
	if err != nil {
		errs, ok := settingsFormErrors(err, map[string]string{"password": "password"}, "password")
		if !ok {
			return err
		}
		d.Errors = errs
		w.WriteHeader(http.StatusBadRequest)
		return u.render(w, r, "password_reset", "Choose a new password", d)
	}
	u.setSession(w, sess)
	return u.redirect(w, r, "/", "Your password was changed. Other sessions were signed out.")
}
