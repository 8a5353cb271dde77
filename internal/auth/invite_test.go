package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestInviteAcceptOnceAndExpiry(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc, clk := newService(s)
		ws, admin := mustWorkspace(t, svc, "Acme", "ada@acme.test")

		_, _, err := svc.CreateInvite(ctx, auth.CreateInviteParams{WorkspaceID: ws.ID, Email: "ada@acme.test", Role: auth.RoleMember})
		wantCode(t, "CreateInvite(existing member)", err, crm.ErrConflict, crm.CodeDuplicate, "email")
		_, _, err = svc.CreateInvite(ctx, auth.CreateInviteParams{WorkspaceID: ws.ID, Email: "bob@acme.test", Role: "owner"})
		wantCode(t, "CreateInvite(bad role)", err, crm.ErrInvalid, crm.CodeInvalidEnum, "role")

		in, token, err := svc.CreateInvite(ctx, auth.CreateInviteParams{WorkspaceID: ws.ID, Email: " Bob@Acme.test ", Role: auth.RoleMember, CreatedBy: &admin.ID, By: audit.System("test")})
		if err != nil {
			t.Fatal(err)
		}
		if in.Email != "bob@acme.test" || !in.ExpiresAt.Equal(clk.Now().Add(auth.InviteTTL)) {
			t.Errorf("invite = %+v; want normalised email, 7-day expiry", in)
		}
		for _, text := range rowText(t, s, "SELECT * FROM invites") {
			if text == token {
				t.Fatal("the invite token rests in the database in plain text")
			}
		}
		if open, _ := svc.ListInvites(ctx, ws.ID); len(open) != 1 {
			t.Errorf("ListInvites() = %d; want 1", len(open))
		}
		_, err = svc.AcceptInvite(ctx, auth.AcceptInviteParams{Token: token, Name: "Bob", Password: "short"})
		wantCode(t, "AcceptInvite(short password)", err, crm.ErrInvalid, crm.CodeInvalidValue, "password")
		sess, err := svc.AcceptInvite(ctx, auth.AcceptInviteParams{Token: token, Name: "Bob", Password: "password-bob"})
		if err != nil {
			t.Fatalf("AcceptInvite() = %v", err)
		}
		if sess.Principal.WorkspaceID != ws.ID || sess.Principal.Role != auth.RoleMember || sess.Principal.Name != "Bob" {
			t.Errorf("principal = %+v; want member Bob of %s", sess.Principal, ws.ID)
		}
		_, err = svc.AcceptInvite(ctx, auth.AcceptInviteParams{Token: token, Name: "Eve", Password: "password-eve"})
		wantCode(t, "AcceptInvite(again)", err, crm.ErrNotFound, crm.CodeNotFound, "")
		if open, _ := svc.ListInvites(ctx, ws.ID); len(open) != 0 {
			t.Errorf("ListInvites() after accept = %d; want 0", len(open))
		}

		_, token2, err := svc.CreateInvite(ctx, auth.CreateInviteParams{WorkspaceID: ws.ID, Email: "carol@acme.test", Role: auth.RoleAdmin, By: audit.System("test")})
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(auth.InviteTTL + time.Second)
		_, err = svc.AcceptInvite(ctx, auth.AcceptInviteParams{Token: token2, Name: "Carol", Password: "password-carol"})
		wantCode(t, "AcceptInvite(expired)", err, crm.ErrNotFound, crm.CodeNotFound, "")
		_, err = svc.InviteByToken(ctx, "nope")
		wantCode(t, "InviteByToken(unknown)", err, crm.ErrNotFound, crm.CodeNotFound, "")
	})
}

func TestMemberRolesKeepOneAdmin(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc, _ := newService(s)
		ws, admin := mustWorkspace(t, svc, "Acme", "ada@acme.test")
		err := svc.SetMemberRole(ctx, ws.ID, admin.ID, auth.RoleMember, audit.System("test"))
		wantCode(t, "SetMemberRole(last admin)", err, crm.ErrInvalid, crm.CodeInvalidValue, "role")
		err = svc.RemoveMember(ctx, ws.ID, admin.ID, audit.System("test"))
		wantCode(t, "RemoveMember(last admin)", err, crm.ErrInvalid, crm.CodeInvalidValue, "role")
		bob, err := svc.AddMember(ctx, auth.AddMemberParams{WorkspaceID: ws.ID, Email: "bob@acme.test", Password: "password-bob", Role: auth.RoleMember})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.SetMemberRole(ctx, ws.ID, bob.UserID, auth.RoleAdmin, audit.System("test")); err != nil {
			t.Fatalf("SetMemberRole(bob admin) = %v", err)
		}
		if err := svc.SetMemberRole(ctx, ws.ID, admin.ID, auth.RoleMember, audit.System("test")); err != nil {
			t.Fatalf("SetMemberRole(ada member) with two admins = %v", err)
		}
		sess, err := svc.Login(ctx, "ada@acme.test", "password-ada@acme.test", ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.RemoveMember(ctx, ws.ID, admin.ID, audit.System("test")); err != nil {
			t.Fatalf("RemoveMember(ada) = %v", err)
		}
		if _, err := svc.AuthenticateSession(ctx, sess.Token); err == nil {
			t.Error("a removed member's session still works")
		}
		err = svc.RemoveMember(ctx, ws.ID, admin.ID, audit.System("test"))
		wantCode(t, "RemoveMember(again)", err, crm.ErrNotFound, crm.CodeNotFound, "")
		got, err := svc.RenameWorkspace(ctx, ws.ID, "  Acme Inc ", audit.System("test"))
		if err != nil || got.Name != "Acme Inc" {
			t.Fatalf("RenameWorkspace() = %v, %v; want Acme Inc", got, err)
		}
		_, err = svc.RenameWorkspace(ctx, ws.ID, " ", audit.System("test"))
		wantCode(t, "RenameWorkspace(blank)", err, crm.ErrInvalid, crm.CodeRequired, "name")
	})
}
