package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestPasswordReset(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc, clk := newService(s)
		mustWorkspace(t, svc, "Acme", "ada@acme.test")
		old, err := svc.Login(ctx, "ada@acme.test", "password-ada@acme.test", "")
		if err != nil {
			t.Fatal(err)
		}
		if tok, u, err := svc.RequestPasswordReset(ctx, "nobody@acme.test"); tok != "" || u != nil || err != nil {
			t.Fatalf("RequestPasswordReset(unknown) = %q, %v, %v; want nothing", tok, u, err)
		}
		token, u, err := svc.RequestPasswordReset(ctx, "ADA@acme.test")
		if err != nil || token == "" || u.Email != "ada@acme.test" {
			t.Fatalf("RequestPasswordReset() = %q, %v, %v", token, u, err)
		}
		for _, text := range rowText(t, s, "SELECT * FROM password_resets") {
			if text == token {
				t.Fatal("the reset token rests in the database in plain text")
			}
		}
		if err := svc.CheckPasswordReset(ctx, token); err != nil {
			t.Fatalf("CheckPasswordReset() = %v", err)
		}
		_, err = svc.ResetPassword(ctx, token, "short")
		wantCode(t, "ResetPassword(short)", err, crm.ErrInvalid, crm.CodeInvalidValue, "password")
		sess, err := svc.ResetPassword(ctx, token, "new-password-1")
		if err != nil {
			t.Fatalf("ResetPassword() = %v", err)
		}
		if _, err := svc.AuthenticateSession(ctx, old.Token); err == nil {
			t.Error("the old session survived the password reset")
		}
		if _, err := svc.AuthenticateSession(ctx, sess.Token); err != nil {
			t.Errorf("the new session does not work: %v", err)
		}
		if _, err := svc.Login(ctx, "ada@acme.test", "password-ada@acme.test", ""); err == nil {
			t.Error("the old password still works")
		}
		if _, err := svc.Login(ctx, "ada@acme.test", "new-password-1", ""); err != nil {
			t.Errorf("the new password does not work: %v", err)
		}
		_, err = svc.ResetPassword(ctx, token, "new-password-2")
		wantCode(t, "ResetPassword(used token)", err, crm.ErrNotFound, crm.CodeNotFound, "")

		token2, _, err := svc.RequestPasswordReset(ctx, "ada@acme.test")
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(auth.ResetTTL + time.Second)
		_, err = svc.ResetPassword(ctx, token2, "new-password-3")
		wantCode(t, "ResetPassword(expired)", err, crm.ErrNotFound, crm.CodeNotFound, "")
	})
}

func TestChangePasswordKeepsCurrentSession(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc, _ := newService(s)
		_, u := mustWorkspace(t, svc, "Acme", "ada@acme.test")
		a, _ := svc.Login(ctx, "ada@acme.test", "password-ada@acme.test", "")
		b, _ := svc.Login(ctx, "ada@acme.test", "password-ada@acme.test", "")
		if err := svc.ChangePassword(ctx, auth.ChangePasswordParams{UserID: u.ID, Password: "another-password", KeepSession: a.Token}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AuthenticateSession(ctx, a.Token); err != nil {
			t.Errorf("kept session = %v; want it alive", err)
		}
		if _, err := svc.AuthenticateSession(ctx, b.Token); err == nil {
			t.Error("other session survived ChangePassword")
		}
	})
}
