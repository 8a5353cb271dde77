package auth_test

import (
	"context"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestCreateWorkspace(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc, _ := newService(s)
		ws, u, err := svc.CreateWorkspace(ctx, auth.CreateWorkspaceParams{
			Name: "  Acme  ", AdminEmail: " Ada@Example.COM ", AdminPassword: "s3cret-horse", AdminName: "Ada"})
		if err != nil {
			t.Fatalf("CreateWorkspace() error = %v", err)
		}
		if ws.Name != "Acme" || u.Email != "ada@example.com" || u.Name != "Ada" {
			t.Fatalf("CreateWorkspace() = %+v, %+v; want Acme with ada@example.com", ws, u)
		}
		ms, err := svc.ListMembers(ctx, ws.ID)
		if err != nil || len(ms) != 1 || ms[0].UserID != u.ID || ms[0].Role != string(auth.RoleAdmin) {
			t.Fatalf("ListMembers() = %+v, %v; want ada as admin", ms, err)
		}

		// The password rests as an argon2id hash only.
		stored := rowText(t, s, `SELECT * FROM users WHERE id = $1`, u.ID)
		hashSeen := false
		for _, v := range stored {
			if strings.Contains(v, "s3cret-horse") {
				t.Fatalf("users row holds the plaintext password: %q", v)
			}
			hashSeen = hashSeen || strings.HasPrefix(v, "$argon2id$v=19$")
		}
		if !hashSeen {
			t.Fatalf("users row %q has no argon2id hash", stored)
		}

		// The same account can found a second workspace with its password...
		ws2, u2, err := svc.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: "Beta", AdminEmail: "ada@example.com", AdminPassword: "s3cret-horse"})
		if err != nil || u2.ID != u.ID {
			t.Fatalf("CreateWorkspace(existing user, right password) = %v, %v; want user %s reused", u2, err, u.ID)
		}
		if ms, _ := svc.ListMembers(ctx, ws2.ID); len(ms) != 1 || ms[0].UserID != u.ID {
			t.Fatalf("ListMembers(Beta) = %+v; want ada", ms)
		}
		// ...but not without it, and nothing is left behind.
		before, _ := s.WorkspaceList(ctx)
		_, _, err = svc.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: "Hijack", AdminEmail: "ada@example.com", AdminPassword: "guessed-wrong"})
		wantCode(t, "CreateWorkspace(existing user, wrong password)", err, crm.ErrConflict, crm.CodeDuplicate, "adminEmail")
		if after, _ := s.WorkspaceList(ctx); len(after) != len(before) {
			t.Fatalf("workspaces after failed CreateWorkspace = %d; want %d", len(after), len(before))
		}
	})
}

func TestCreateWorkspaceValidation(t *testing.T) {
	s := storetest.NewSQLite(t)
	svc, _ := newService(s)
	ok := auth.CreateWorkspaceParams{Name: "Acme", AdminEmail: "ada@example.com", AdminPassword: "password1"}
	tests := []struct {
		name  string
		edit  func(p *auth.CreateWorkspaceParams)
		field string
		code  string
	}{
		{"no name", func(p *auth.CreateWorkspaceParams) { p.Name = "  " }, "name", crm.CodeRequired},
		{"long name", func(p *auth.CreateWorkspaceParams) { p.Name = strings.Repeat("n", 201) }, "name", crm.CodeInvalidValue},
		{"no email", func(p *auth.CreateWorkspaceParams) { p.AdminEmail = "" }, "adminEmail", crm.CodeRequired},
		{"bad email", func(p *auth.CreateWorkspaceParams) { p.AdminEmail = "ada-at-example.com" }, "adminEmail", crm.CodeInvalidValue},
		{"display name email", func(p *auth.CreateWorkspaceParams) { p.AdminEmail = "Ada <ada@example.com>" }, "adminEmail", crm.CodeInvalidValue},
		{"short password", func(p *auth.CreateWorkspaceParams) { p.AdminPassword = "1234567" }, "adminPassword", crm.CodeInvalidValue},
		{"first error wins", func(p *auth.CreateWorkspaceParams) { p.Name = ""; p.AdminPassword = "" }, "name", crm.CodeRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ok
			tt.edit(&p)
			_, _, err := svc.CreateWorkspace(context.Background(), p)
			wantCode(t, "CreateWorkspace()", err, crm.ErrInvalid, tt.code, tt.field)
		})
	}
	if ws, _ := s.WorkspaceList(context.Background()); len(ws) != 0 {
		t.Fatalf("workspaces after invalid input = %d; want 0", len(ws))
	}
}

func TestAddMember(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc, _ := newService(s)
		wsA, ada := mustWorkspace(t, svc, "A", "ada@example.com")
		wsB, _ := mustWorkspace(t, svc, "B", "bea@example.com")

		m, err := svc.AddMember(ctx, auth.AddMemberParams{WorkspaceID: wsA.ID, Email: "Bob@Example.com", Name: "Bob", Password: "bobs-password", Role: auth.RoleMember})
		if err != nil {
			t.Fatalf("AddMember() error = %v", err)
		}
		if m.Email != "bob@example.com" || m.Role != "member" || m.WorkspaceID != wsA.ID || m.Name != "Bob" {
			t.Fatalf("AddMember() = %+v; want bob as member of A", m)
		}
		// Ada joins B with her own password; with a wrong one she cannot be added.
		_, err = svc.AddMember(ctx, auth.AddMemberParams{WorkspaceID: wsB.ID, Email: "ada@example.com", Password: "not-adas-password", Role: auth.RoleMember})
		wantCode(t, "AddMember(existing user, wrong password)", err, crm.ErrConflict, crm.CodeDuplicate, "email")
		m, err = svc.AddMember(ctx, auth.AddMemberParams{WorkspaceID: wsB.ID, Email: "ada@example.com", Password: "password-ada@example.com", Role: auth.RoleAdmin})
		if err != nil || m.UserID != ada.ID || m.Role != "admin" {
			t.Fatalf("AddMember(existing user) = %+v, %v; want ada as admin of B", m, err)
		}

		tests := []struct {
			name  string
			p     auth.AddMemberParams
			cause error
			code  string
			field string
		}{
			{"already a member", auth.AddMemberParams{WorkspaceID: wsA.ID, Email: "bob@example.com", Password: "bobs-password", Role: auth.RoleAdmin}, crm.ErrConflict, crm.CodeDuplicate, "email"},
			{"bad role", auth.AddMemberParams{WorkspaceID: wsA.ID, Email: "cy@example.com", Password: "password1", Role: "owner"}, crm.ErrInvalid, crm.CodeInvalidEnum, "role"},
			{"short password", auth.AddMemberParams{WorkspaceID: wsA.ID, Email: "cy@example.com", Password: "short", Role: auth.RoleMember}, crm.ErrInvalid, crm.CodeInvalidValue, "password"},
			{"bad email", auth.AddMemberParams{WorkspaceID: wsA.ID, Email: "cy", Password: "password1", Role: auth.RoleMember}, crm.ErrInvalid, crm.CodeInvalidValue, "email"},
			{"unknown workspace", auth.AddMemberParams{WorkspaceID: "nope", Email: "cy@example.com", Password: "password1", Role: auth.RoleMember}, crm.ErrNotFound, crm.CodeNotFound, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := svc.AddMember(ctx, tt.p)
				wantCode(t, "AddMember()", err, tt.cause, tt.code, tt.field)
			})
		}
		if ms, _ := svc.ListMembers(ctx, wsA.ID); len(ms) != 2 {
			t.Fatalf("ListMembers(A) = %d members; want 2", len(ms))
		}
	})
}

func TestRequireAdmin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		p     *auth.Principal
		cause error
	}{
		{"admin", &auth.Principal{WorkspaceID: "w", Role: auth.RoleAdmin}, nil},
		{"member", &auth.Principal{WorkspaceID: "w", Role: auth.RoleMember}, crm.ErrForbidden},
		{"no role", &auth.Principal{WorkspaceID: "w"}, crm.ErrForbidden},
		{"nobody", nil, crm.ErrUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := auth.RequireAdmin(tt.p)
			if tt.cause == nil {
				if err != nil {
					t.Fatalf("RequireAdmin() = %v; want nil", err)
				}
				return
			}
			code := crm.CodeForbidden
			if tt.cause == crm.ErrUnauthenticated {
				code = crm.CodeUnauthenticated
			}
			wantCode(t, "RequireAdmin()", err, tt.cause, code, "")
		})
	}
}
