package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/mail"
)

type passwordForgotData struct {
	Email string
	Sent  bool
	// Emailed says that links go out by email; otherwise they wait in an
	// admin's outbox (log driver).
	Emailed bool
}

// passwordForgot asks for the email of the account to reset.
func (u *UI) passwordForgot(w http.ResponseWriter, r *http.Request) error {
	return u.render(w, r, "password_forgot", "Reset your password", passwordForgotData{})
}

// passwordForgotSubmit creates a reset link when the account exists and
// hands it to the mailer (emailed with SMTP; kept in the outbox of the
// account's oldest workspace with the log driver). The link is never
// logged. The answer is the same whether or not the account exists, and
// whether or not the email went out.
func (u *UI) passwordForgotSubmit(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PostFormValue("email"))
	// Reset requests share the sign-in limiter: each one counts as an
	// attempt for this address, so the form cannot be used to flood the log
	// or probe accounts at speed.
	key, now := "reset|"+clientIP(r), u.cfg.Now()
	if blocked, _ := u.logins.Blocked(key, now); blocked {
		w.WriteHeader(http.StatusTooManyRequests)
		return u.render(w, r, "password_forgot", "Reset your password", passwordForgotData{Email: email, Sent: true, Emailed: u.cfg.Mail.Driver() == mail.DriverSMTP})
	}
	u.logins.Hit(key, now)
	token, user, err := u.cfg.Auth.RequestPasswordReset(r.Context(), email)
	if err != nil {
		return err
	}
	if token != "" {
		_, err := u.cfg.Auth.SendPasswordReset(r.Context(), auth.SendPasswordResetParams{User: user, Token: token, Link: u.settingsLink(r, "/password/reset/"+token)})
		if err != nil {
			u.log.WarnContext(r.Context(), "password reset email not sent", "user_id", user.ID, "error", err)
		}
	}
	return u.render(w, r, "password_forgot", "Reset your password", passwordForgotData{Email: email, Sent: true, Emailed: u.cfg.Mail.Driver() == mail.DriverSMTP})
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
