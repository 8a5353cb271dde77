package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

const (
	firefox133 = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	firefox134 = "Mozilla/5.0 (X11; Linux x86_64; rv:134.0) Gecko/20100101 Firefox/134.0"
	chrome     = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)

// from is a request context coming from ip with a user-agent, as the HTTP
// server makes it.
func from(ip, ua string) context.Context {
	return audit.WithOrigin(context.Background(), audit.Origin{IP: ip, UserAgent: ua})
}

// auditLog reads a workspace's log, newest first.
type auditLog struct{ log *audit.Service }

func (l auditLog) all(t *testing.T, ws string) []*audit.Event {
	t.Helper()
	pg, err := l.log.List(context.Background(), ws, audit.ListParams{First: 200})
	if err != nil {
		t.Fatal(err)
	}
	return pg.Events
}

// step runs fn and checks that it added exactly the entries want (by
// action, oldest first) to the workspace's log, and returns them.
func (l auditLog) step(t *testing.T, name, ws string, fn func() error, want ...audit.Action) []*audit.Event {
	t.Helper()
	before := len(l.all(t, ws))
	if err := fn(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	after := l.all(t, ws)
	added := after[:len(after)-before]
	var got []string
	for i := len(added) - 1; i >= 0; i-- {
		got = append(got, string(added[i].Action))
	}
	var w []string
	for _, a := range want {
		w = append(w, string(a))
	}
	if strings.Join(got, " ") != strings.Join(w, " ") {
		t.Fatalf("%s added %v to the log; want %v", name, got, w)
	}
	return added
}

func member(t *testing.T, svc *auth.Service, ws, email string) *auth.Member {
	t.Helper()
	ms, err := svc.ListMembers(context.Background(), ws)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Email == email {
			return m
		}
	}
	t.Fatalf("%s is not a member of %s", email, ws)
	return nil
}

// wantEntry checks who did what to whom, and from where.
func wantEntry(t *testing.T, e *audit.Event, actor audit.Actor, targetType, targetID string) {
	t.Helper()
	if e.Actor != actor || e.Target.Type != targetType || e.Target.ID != targetID {
		t.Errorf("%s: actor %+v, target %+v; want actor %+v, target %s %s", e.Action, e.Actor, e.Target, actor, targetType, targetID)
	}
	if e.IP != "203.0.113.9" || e.UserAgent != firefox133 {
		t.Errorf("%s: from %q %q; want the request's address and user-agent", e.Action, e.IP, e.UserAgent)
	}
}

func TestAuditedActions(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := from("203.0.113.9", firefox133)
		svc, clk := newService(s)
		l := auditLog{log: audit.New(audit.Config{Store: s})}
		secrets := []string{"password-ada", "password-bob", "password-zed"}
		ws, _, err := svc.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: "Acme", AdminEmail: "ada@acme.test", AdminPassword: "password-ada", AdminName: "Ada"})
		if err != nil {
			t.Fatal(err)
		}
		ada := member(t, svc, ws.ID, "ada@acme.test")
		by := audit.Member(ada.ID, "Ada")
		if all := l.all(t, ws.ID); len(all) != 1 || all[0].Action != audit.WorkspaceCreated {
			t.Fatalf("log of a new workspace = %v; want workspace.created", all)
		} else {
			wantEntry(t, all[0], by, audit.TargetWorkspace, ws.ID)
		}
		// B's actions stay in B's log.
		wsB, _, err := svc.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: "Bravo", AdminEmail: "zed@bravo.test", AdminPassword: "password-zed"})
		if err != nil {
			t.Fatal(err)
		}

		var bob *auth.Member
		t.Run("member added, role changed, removed", func(t *testing.T) {
			e := l.step(t, "AddMember", ws.ID, func() error {
				var err error
				bob, err = svc.AddMember(ctx, auth.AddMemberParams{WorkspaceID: ws.ID, Email: "bob@acme.test", Password: "password-bob", Role: auth.RoleMember, By: by})
				return err
			}, audit.MemberAdded)
			wantEntry(t, e[0], by, audit.TargetMember, bob.ID)
			e = l.step(t, "SetMemberRole", ws.ID, func() error { return svc.SetMemberRole(ctx, ws.ID, bob.UserID, auth.RoleAdmin, by) }, audit.MemberRoleChanged)
			wantEntry(t, e[0], by, audit.TargetMember, bob.ID)
			if e[0].Details["from"] != "member" || e[0].Details["to"] != "admin" || e[0].Target.Label != "bob@acme.test" {
				t.Errorf("role change details = %v, label %q; want member -> admin of bob@acme.test", e[0].Details, e[0].Target.Label)
			}
			l.step(t, "SetMemberRole(same role)", ws.ID, func() error { return svc.SetMemberRole(ctx, ws.ID, bob.UserID, auth.RoleAdmin, by) })
		})

		t.Run("API key created and revoked", func(t *testing.T) {
			var key *auth.APIKey
			e := l.step(t, "CreateAPIKey", ws.ID, func() error {
				var (
					plaintext string
					err       error
				)
				key, plaintext, err = svc.CreateAPIKey(ctx, auth.CreateAPIKeyParams{WorkspaceID: ws.ID, Name: "Zapier", By: by})
				secrets = append(secrets, plaintext)
				return err
			}, audit.APIKeyCreated)
			wantEntry(t, e[0], by, audit.TargetAPIKey, key.ID)
			if e[0].Target.Label != "Zapier" || e[0].Details["prefix"] != key.Prefix {
				t.Errorf("key entry = %+v; want the key's name and display prefix", e[0])
			}
			// A key revoking itself (an API caller) is named by its ID.
			keyActor := (&auth.Principal{WorkspaceID: ws.ID, APIKeyID: &key.ID, Role: auth.RoleAdmin, Name: key.Name}).AuditActor()
			e = l.step(t, "RevokeAPIKey", ws.ID, func() error { _, err := svc.RevokeAPIKey(ctx, ws.ID, key.ID, keyActor); return err }, audit.APIKeyRevoked)
			wantEntry(t, e[0], audit.APIKey(key.ID, "Zapier"), audit.TargetAPIKey, key.ID)
			l.step(t, "RevokeAPIKey(again)", ws.ID, func() error { _, err := svc.RevokeAPIKey(ctx, ws.ID, key.ID, by); return err })
		})

		t.Run("invites sent, withdrawn, accepted", func(t *testing.T) {
			var in *auth.Invite
			e := l.step(t, "CreateInvite", ws.ID, func() error {
				var (
					token string
					err   error
				)
				in, token, err = svc.CreateInvite(ctx, auth.CreateInviteParams{WorkspaceID: ws.ID, Email: "carol@acme.test", Role: auth.RoleMember, By: by})
				secrets = append(secrets, token)
				return err
			}, audit.InviteSent)
			wantEntry(t, e[0], by, audit.TargetInvite, in.ID)
			e = l.step(t, "RevokeInvite", ws.ID, func() error { return svc.RevokeInvite(ctx, ws.ID, in.ID, by) }, audit.InviteRevoked)
			wantEntry(t, e[0], by, audit.TargetInvite, in.ID)

			var token string
			l.step(t, "CreateInvite", ws.ID, func() error {
				var err error
				_, token, err = svc.CreateInvite(ctx, auth.CreateInviteParams{WorkspaceID: ws.ID, Email: "dave@acme.test", Role: auth.RoleMember, By: by})
				secrets = append(secrets, token, "password-dave")
				return err
			}, audit.InviteSent)
			// Accepting signs Dave in for the first time: a first place is
			// not a new one.
			e = l.step(t, "AcceptInvite", ws.ID, func() error {
				_, err := svc.AcceptInvite(ctx, auth.AcceptInviteParams{Token: token, Name: "Dave", Password: "password-dave"})
				return err
			}, audit.InviteAccepted)
			dave := member(t, svc, ws.ID, "dave@acme.test")
			wantEntry(t, e[0], audit.Member(dave.ID, "Dave"), audit.TargetMember, dave.ID)
			l.step(t, "AcceptInvite(spent link)", ws.ID, func() error {
				if _, err := svc.AcceptInvite(ctx, auth.AcceptInviteParams{Token: token, Name: "Dave", Password: "password-dave"}); err == nil {
					t.Error("AcceptInvite(spent link) succeeded")
				}
				return nil
			})
		})

		t.Run("workspace renamed", func(t *testing.T) {
			e := l.step(t, "RenameWorkspace", ws.ID, func() error { _, err := svc.RenameWorkspace(ctx, ws.ID, "Acme Inc", by); return err }, audit.WorkspaceSettingsChanged)
			wantEntry(t, e[0], by, audit.TargetWorkspace, ws.ID)
			if d := e[0].Details; d["setting"] != "name" || d["from"] != "Acme" || d["to"] != "Acme Inc" {
				t.Errorf("rename details = %v; want name Acme -> Acme Inc", d)
			}
			l.step(t, "RenameWorkspace(same name)", ws.ID, func() error { _, err := svc.RenameWorkspace(ctx, ws.ID, "Acme Inc", by); return err })
		})

		t.Run("password reset and changed", func(t *testing.T) {
			var token string
			l.step(t, "RequestPasswordReset", ws.ID, func() error {
				var err error
				token, _, err = svc.RequestPasswordReset(ctx, "bob@acme.test")
				secrets = append(secrets, token, "new-password-bob")
				return err
			})
			e := l.step(t, "ResetPassword", ws.ID, func() error { _, err := svc.ResetPassword(ctx, token, "new-password-bob"); return err }, audit.PasswordReset)
			wantEntry(t, e[0], audit.Member(bob.ID, "bob@acme.test"), audit.TargetMember, bob.ID)
			e = l.step(t, "ChangePassword", ws.ID, func() error {
				secrets = append(secrets, "newer-password-bob")
				return svc.ChangePassword(ctx, auth.ChangePasswordParams{UserID: bob.UserID, Password: "newer-password-bob"})
			}, audit.PasswordChanged)
			wantEntry(t, e[0], audit.Member(bob.ID, "bob@acme.test"), audit.TargetMember, bob.ID)
		})

		t.Run("sign-ins from new places", func(t *testing.T) {
			login := func(ctx context.Context) func() error {
				return func() error { _, err := svc.Login(ctx, "ada@acme.test", "password-ada", ""); return err }
			}
			l.step(t, "first sign-in", ws.ID, login(ctx))
			l.step(t, "same place", ws.ID, login(ctx))
			l.step(t, "same /24, browser updated", ws.ID, login(from("203.0.113.200", firefox134)))
			e := l.step(t, "another network", ws.ID, login(from("198.51.100.7", firefox133)), audit.SignInNewPlace)
			if e[0].Actor != by || e[0].IP != "198.51.100.7" || e[0].Details["network"] != "198.51.100.0/24" || e[0].Details["browser"] != "Firefox on Linux" {
				t.Errorf("new place entry = %+v; want Ada from 198.51.100.0/24 with Firefox on Linux", e[0])
			}
			l.step(t, "that network again", ws.ID, login(from("198.51.100.8", firefox133)))
			l.step(t, "another browser", ws.ID, login(from("203.0.113.9", chrome)), audit.SignInNewPlace)
			l.step(t, "IPv6", ws.ID, login(from("2001:db8:1:2::5", firefox133)), audit.SignInNewPlace)
			l.step(t, "same /48", ws.ID, login(from("2001:db8:1:ffff::9", firefox133)))
			l.step(t, "no request (CLI)", ws.ID, login(context.Background()))
			// A place unused for longer than the log is kept is new again.
			clk.Advance(audit.Retention + 48*time.Hour)
			if _, err := audit.New(audit.Config{Store: s, Now: clk.Now}).Prune(context.Background()); err != nil {
				t.Fatal(err)
			}
			l.step(t, "first sign-in after all were forgotten", ws.ID, login(ctx))
			l.step(t, "a place forgotten", ws.ID, login(from("198.51.100.9", firefox133)), audit.SignInNewPlace)
			for _, text := range rowText(t, s, "SELECT * FROM sign_in_places") {
				if strings.Contains(text, "198.51.100") || strings.Contains(text, "Firefox") {
					t.Errorf("sign_in_places holds %q; want only hashes and times", text)
				}
			}
		})

		t.Run("member removed", func(t *testing.T) {
			e := l.step(t, "RemoveMember", ws.ID, func() error { return svc.RemoveMember(ctx, ws.ID, bob.UserID, by) }, audit.MemberRemoved)
			wantEntry(t, e[0], by, audit.TargetMember, bob.ID)
		})

		t.Run("no secret in the log", func(t *testing.T) {
			if len(secrets) != 10 {
				t.Fatalf("collected %d secrets; want 10 (passwords, the key, invite and reset tokens)", len(secrets))
			}
			for _, text := range rowText(t, s, "SELECT * FROM audit_log") {
				for _, sec := range secrets {
					if sec != "" && strings.Contains(text, sec) {
						t.Errorf("audit_log holds the secret %q in %q", sec, text)
					}
				}
			}
		})

		t.Run("workspace isolation", func(t *testing.T) {
			for _, e := range l.all(t, wsB.ID) {
				if e.Action != audit.WorkspaceCreated {
					t.Errorf("B's log holds %s; want only its own creation", e.Action)
				}
			}
			for _, e := range l.all(t, ws.ID) {
				if e.WorkspaceID != ws.ID {
					t.Errorf("A's log holds an entry of %s", e.WorkspaceID)
				}
			}
		})
	})
}

func TestAuditRollsBackWithTheChange(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := from("203.0.113.9", firefox133)
		svc, _ := newService(s)
		l := auditLog{log: audit.New(audit.Config{Store: s})}
		ws, ada := mustWorkspace(t, svc, "Acme", "ada@acme.test")
		by := audit.System("test")

		// Refused changes leave no entry.
		l.step(t, "demote the last admin", ws.ID, func() error {
			if err := svc.SetMemberRole(ctx, ws.ID, ada.ID, auth.RoleMember, by); err == nil {
				t.Error("demoting the last admin succeeded")
			}
			return nil
		})
		l.step(t, "remove the last admin", ws.ID, func() error {
			if err := svc.RemoveMember(ctx, ws.ID, ada.ID, by); err == nil {
				t.Error("removing the last admin succeeded")
			}
			return nil
		})
		l.step(t, "a key without a name", ws.ID, func() error {
			if _, _, err := svc.CreateAPIKey(ctx, auth.CreateAPIKeyParams{WorkspaceID: ws.ID, Name: " ", By: by}); err == nil {
				t.Error("a key without a name was created")
			}
			return nil
		})

		// An entry that cannot be written fails the change, which rolls back.
		bob, err := svc.AddMember(ctx, auth.AddMemberParams{WorkspaceID: ws.ID, Email: "bob@acme.test", Password: "password-bob", Role: auth.RoleMember, By: by})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Write.ExecContext(ctx, "ALTER TABLE audit_log RENAME TO audit_log_away"); err != nil {
			t.Fatal(err)
		}
		if err := svc.SetMemberRole(ctx, ws.ID, bob.UserID, auth.RoleAdmin, by); err == nil {
			t.Error("SetMemberRole succeeded without its audit entry")
		}
		if m := member(t, svc, ws.ID, "bob@acme.test"); m.Role != string(auth.RoleMember) {
			t.Errorf("bob's role = %s after a failed audit; want member (rolled back)", m.Role)
		}
		if _, _, err := svc.CreateAPIKey(ctx, auth.CreateAPIKeyParams{WorkspaceID: ws.ID, Name: "k", By: by}); err == nil {
			t.Error("CreateAPIKey succeeded without its audit entry")
		}
		if keys, err := svc.ListAPIKeys(ctx, ws.ID); err != nil || len(keys) != 0 {
			t.Errorf("keys after a failed audit = %d, %v; want none", len(keys), err)
		}
		if _, err := svc.Login(from("198.51.100.1", chrome), "ada@acme.test", "password-ada@acme.test", ""); err != nil {
			t.Errorf("first sign-in (nothing to audit) = %v; want a session", err)
		}
		if _, err := svc.Login(from("192.0.2.1", chrome), "ada@acme.test", "password-ada@acme.test", ""); err == nil {
			t.Error("a sign-in from a new place succeeded without its audit entry")
		}
		if _, err := s.Write.ExecContext(ctx, "ALTER TABLE audit_log_away RENAME TO audit_log"); err != nil {
			t.Fatal(err)
		}
		l.step(t, "sign-in from the new place, audit back", ws.ID, func() error {
			_, err := svc.Login(from("192.0.2.1", chrome), "ada@acme.test", "password-ada@acme.test", "")
			return err
		}, audit.SignInNewPlace)
	})
}

// TestPasswordResetAuditedInEachWorkspace: an account shared by two
// workspaces has its reset recorded in both, each naming its own member.
func TestPasswordResetAuditedInEachWorkspace(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := from("203.0.113.9", firefox133)
		svc, _ := newService(s)
		l := auditLog{log: audit.New(audit.Config{Store: s})}
		wsA, _ := mustWorkspace(t, svc, "Acme", "ada@acme.test")
		wsB, _ := mustWorkspace(t, svc, "Bravo", "zed@bravo.test")
		if _, err := svc.AddMember(ctx, auth.AddMemberParams{WorkspaceID: wsB.ID, Email: "ada@acme.test", Password: "password-ada@acme.test", Role: auth.RoleMember}); err != nil {
			t.Fatal(err)
		}
		token, _, err := svc.RequestPasswordReset(ctx, "ada@acme.test")
		if err != nil {
			t.Fatal(err)
		}
		var inB []*audit.Event
		inA := l.step(t, "ResetPassword (A)", wsA.ID, func() error {
			before := len(l.all(t, wsB.ID))
			if _, err := svc.ResetPassword(ctx, token, "a-new-password"); err != nil {
				return err
			}
			inB = l.all(t, wsB.ID)[:len(l.all(t, wsB.ID))-before]
			return nil
		}, audit.PasswordReset)
		adaA, adaB := member(t, svc, wsA.ID, "ada@acme.test"), member(t, svc, wsB.ID, "ada@acme.test")
		if inA[0].Target.ID != adaA.ID {
			t.Errorf("A's entry names member %s; want %s", inA[0].Target.ID, adaA.ID)
		}
		if len(inB) != 1 || inB[0].Action != audit.PasswordReset || inB[0].Target.ID != adaB.ID || inB[0].Actor.ID != adaB.ID {
			t.Errorf("B's new entries = %+v; want one password reset of Ada's member %s", inB, adaB.ID)
		}
	})
}
