package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestLoginAndSession(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc, clk := newService(s)
		ws, ada := mustWorkspace(t, svc, "A", "ada@example.com")

		sess, err := svc.Login(ctx, "ADA@example.com", "password-ada@example.com", "")
		if err != nil {
			t.Fatalf("Login() error = %v", err)
		}
		p := sess.Principal
		if p.WorkspaceID != ws.ID || p.UserID == nil || *p.UserID != ada.ID || p.MemberID == nil || p.Role != auth.RoleAdmin || p.APIKeyID != nil || p.Name != "Admin of A" {
			t.Fatalf("Login() principal = %+v; want ada as admin of A", p)
		}
		if !sess.ExpiresAt.Equal(clk.Now().Add(auth.SessionIdleTimeout)) {
			t.Fatalf("Login() ExpiresAt = %v; want now + %v", sess.ExpiresAt, auth.SessionIdleTimeout)
		}

		// The token rests only as its SHA-256.
		sum := sha256.Sum256([]byte(sess.Token))
		row := rowText(t, s, `SELECT * FROM sessions`)
		if len(row) == 0 || row[0] != hex.EncodeToString(sum[:]) {
			t.Fatalf("sessions row = %q; want id = SHA-256 of the token", row)
		}
		for _, v := range row {
			if strings.Contains(v, sess.Token) {
				t.Fatalf("sessions row holds the token: %q", v)
			}
		}

		got, err := svc.AuthenticateSession(ctx, sess.Token)
		if err != nil {
			t.Fatalf("AuthenticateSession() error = %v", err)
		}
		if *got.UserID != ada.ID || got.WorkspaceID != ws.ID || got.Role != auth.RoleAdmin || *got.MemberID != *p.MemberID {
			t.Fatalf("AuthenticateSession() = %+v; want %+v", got, p)
		}

		// A new token on every login.
		again, err := svc.Login(ctx, "ada@example.com", "password-ada@example.com", ws.ID)
		if err != nil || again.Token == sess.Token {
			t.Fatalf("second Login() = %+v, %v; want a new token", again, err)
		}

		if err := svc.Logout(ctx, sess.Token); err != nil {
			t.Fatalf("Logout() error = %v", err)
		}
		_, err = svc.AuthenticateSession(ctx, sess.Token)
		wantCode(t, "AuthenticateSession(after logout)", err, crm.ErrUnauthenticated, crm.CodeUnauthenticated, "")
		if err := svc.Logout(ctx, sess.Token); err != nil {
			t.Fatalf("Logout(again) error = %v; want nil", err)
		}
		if _, err := svc.AuthenticateSession(ctx, again.Token); err != nil {
			t.Fatalf("AuthenticateSession(other session) after logout = %v; want it still valid", err)
		}
	})
}

func TestLoginFailures(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc, _ := newService(s)
		wsA, _ := mustWorkspace(t, svc, "A", "ada@example.com")
		wsB, _ := mustWorkspace(t, svc, "B", "bea@example.com")
		if _, err := svc.AddMember(ctx, auth.AddMemberParams{WorkspaceID: wsB.ID, Email: "bob@example.com", Password: "bobs-password", Role: auth.RoleMember}); err != nil {
			t.Fatal(err)
		}

		var unauthMessage string
		for _, tt := range []struct{ name, email, password string }{
			{"wrong password", "ada@example.com", "password-bea@example.com"},
			{"unknown email", "nobody@example.com", "password-ada@example.com"},
			{"malformed email", "ada", "password-ada@example.com"},
			{"empty password", "ada@example.com", ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				sess, err := svc.Login(ctx, tt.email, tt.password, "")
				if sess != nil {
					t.Fatalf("Login() = %+v; want nil", sess)
				}
				wantCode(t, "Login()", err, crm.ErrUnauthenticated, crm.CodeUnauthenticated, "")
				if unauthMessage == "" {
					unauthMessage = err.Error()
				}
				if err.Error() != unauthMessage {
					t.Fatalf("Login() error = %q; want the same message for every failure, %q", err, unauthMessage)
				}
			})
		}

		_, err := svc.Login(ctx, "ada@example.com", "password-ada@example.com", wsB.ID)
		wantCode(t, "Login(workspace ada is not in)", err, crm.ErrForbidden, crm.CodeForbidden, "")

		// Bob's only workspace is B: it is picked when none is named.
		sess, err := svc.Login(ctx, "bob@example.com", "bobs-password", "")
		if err != nil || sess.Principal.WorkspaceID != wsB.ID || sess.Principal.Role != auth.RoleMember {
			t.Fatalf("Login(bob) = %+v, %v; want member of B", sess, err)
		}
		if sess, err := svc.Login(ctx, "ada@example.com", "password-ada@example.com", wsA.ID); err != nil || sess.Principal.WorkspaceID != wsA.ID {
			t.Fatalf("Login(ada, A) = %+v, %v; want a session in A", sess, err)
		}

		for _, token := range []string{"", "short", strings.Repeat("A", 43), sess.Token + "x"} {
			_, err := svc.AuthenticateSession(ctx, token)
			wantCode(t, "AuthenticateSession("+token+")", err, crm.ErrUnauthenticated, crm.CodeUnauthenticated, "")
		}
	})
}

// TestLoginTiming checks that an unknown email costs about as much as a
// wrong password: both run one argon2id verification. Without the dummy
// hash the unknown email would be ~1000 times faster, so the loose bound
// does not make the test flaky.
func TestLoginTiming(t *testing.T) {
	s := storetest.NewSQLite(t)
	svc, _ := newService(s)
	mustWorkspace(t, svc, "A", "ada@example.com")
	ctx := context.Background()
	fastest := func(email string) time.Duration {
		best := time.Hour
		for range 3 {
			start := time.Now()
			_, _ = svc.Login(ctx, email, "wrong-password", "")
			best = min(best, time.Since(start))
		}
		return best
	}
	fastest("warm@example.com") // builds the dummy hash
	wrong, unknown := fastest("ada@example.com"), fastest("nobody@example.com")
	if unknown < wrong/3 {
		t.Fatalf("Login(unknown email) took %v, Login(wrong password) %v; want similar", unknown, wrong)
	}
}

func TestSessionExpiry(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc, clk := newService(s)
		ws, ada := mustWorkspace(t, svc, "A", "ada@example.com")
		login := func() string {
			t.Helper()
			sess, err := svc.Login(ctx, "ada@example.com", "password-ada@example.com", ws.ID)
			if err != nil {
				t.Fatal(err)
			}
			return sess.Token
		}
		authOK := func(what, token string, want bool) {
			t.Helper()
			p, err := svc.AuthenticateSession(ctx, token)
			if want && err != nil {
				t.Fatalf("%s: AuthenticateSession() error = %v; want valid", what, err)
			}
			if !want {
				if p != nil {
					t.Fatalf("%s: AuthenticateSession() = %+v; want expired", what, p)
				}
				wantCode(t, what, err, crm.ErrUnauthenticated, crm.CodeUnauthenticated, "")
			}
		}

		idle := login()
		active := login()
		clk.Advance(10 * 24 * time.Hour)
		authOK("active after 10 days", active, true)
		clk.Advance(10 * 24 * time.Hour)
		authOK("idle after 20 days", idle, false)
		authOK("active after 20 days, seen at day 10", active, true)
		if n := len(rowText(t, s, `SELECT id FROM sessions`)); n != 1 {
			t.Fatalf("sessions rows after the idle one expired = %d; want 1 (it is deleted when seen)", n)
		}

		// Even a session in use every 5 days ends 90 days after login.
		for day := 25; day < 90; day += 5 {
			clk.Advance(5 * 24 * time.Hour)
			authOK("active within 90 days", active, true)
		}
		clk.Advance(5 * 24 * time.Hour)
		authOK("active at 90 days", active, false)

		// A removed member's session stops working at once, and a demoted
		// member's session carries the new role.
		fresh := login()
		if _, err := s.Write.ExecContext(ctx, `UPDATE workspace_members SET role = 'member' WHERE user_id = $1`, ada.ID); err != nil {
			t.Fatal(err)
		}
		if p, err := svc.AuthenticateSession(ctx, fresh); err != nil || p.Role != auth.RoleMember {
			t.Fatalf("AuthenticateSession(after demotion) = %+v, %v; want role member", p, err)
		}
		if _, err := s.Write.ExecContext(ctx, `DELETE FROM workspace_members WHERE user_id = $1`, ada.ID); err != nil {
			t.Fatal(err)
		}
		authOK("after removal from the workspace", fresh, false)
	})
}

func TestDeleteExpiredSessions(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc, clk := newService(s)
		mustWorkspace(t, svc, "A", "ada@example.com")
		for range 2 {
			if _, err := svc.Login(ctx, "ada@example.com", "password-ada@example.com", ""); err != nil {
				t.Fatal(err)
			}
		}
		clk.Advance(auth.SessionIdleTimeout - time.Second)
		if n, err := svc.DeleteExpiredSessions(ctx); err != nil || n != 0 {
			t.Fatalf("DeleteExpiredSessions() before expiry = %d, %v; want 0", n, err)
		}
		if _, err := svc.Login(ctx, "ada@example.com", "password-ada@example.com", ""); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second)
		if n, err := svc.DeleteExpiredSessions(ctx); err != nil || n != 2 {
			t.Fatalf("DeleteExpiredSessions() at expiry = %d, %v; want 2", n, err)
		}
	})
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	a, b := "session-token-a", "session-token-b"
	tok := auth.CSRFToken(a)
	if tok == "" || strings.Contains(tok, a) || tok != auth.CSRFToken(a) {
		t.Fatalf("CSRFToken() = %q; want a stable value that does not contain the session token", tok)
	}
	tests := []struct {
		name, session, token string
		want                 bool
	}{
		{"own token", a, tok, true},
		{"other session's token", b, tok, false},
		{"empty token", a, "", false},
		{"no session", "", auth.CSRFToken(""), false},
		{"session token itself", a, a, false},
	}
	for _, tt := range tests {
		if got := auth.VerifyCSRF(tt.session, tt.token); got != tt.want {
			t.Errorf("%s: VerifyCSRF() = %v; want %v", tt.name, got, tt.want)
		}
	}
}
