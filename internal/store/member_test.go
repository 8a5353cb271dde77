package store_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func authAddMember(ctx context.Context, s *store.Store, workspaceID, userID, role string) (*store.Member, error) {
	var m *store.Member
	err := s.InTx(ctx, func(tx *sql.Tx) (err error) {
		m, err = s.MemberCreate(ctx, tx, &store.MemberCreateParams{WorkspaceID: workspaceID, UserID: userID, Role: role, Now: authNow})
		return err
	})
	return m, err
}

func TestMember(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		wsA, wsB := authWorkspace(t, s, "A"), authWorkspace(t, s, "B")
		ada, bob := authUser(t, s, "ada@example.com"), authUser(t, s, "bob@example.com")

		m, err := authAddMember(ctx, s, wsA.ID, ada.ID, "admin")
		if err != nil {
			t.Fatalf("MemberCreate() error = %v", err)
		}
		if m.Role != "admin" || m.Email != ada.Email || m.Name != ada.Name || m.WorkspaceID != wsA.ID || !m.CreatedAt.Equal(authNow) {
			t.Fatalf("MemberCreate() = %+v; want admin %s in %s", m, ada.Email, wsA.ID)
		}
		if _, err := authAddMember(ctx, s, wsA.ID, bob.ID, "member"); err != nil {
			t.Fatal(err)
		}
		if _, err := authAddMember(ctx, s, wsB.ID, ada.ID, "member"); err != nil {
			t.Fatal(err)
		}

		if _, err := authAddMember(ctx, s, wsA.ID, ada.ID, "member"); !errors.Is(err, crm.ErrConflict) {
			t.Fatalf("MemberCreate(again) error = %v; want ErrConflict", err)
		}
		if _, err := authAddMember(ctx, s, wsA.ID, bob.ID, "owner"); err == nil {
			t.Fatal("MemberCreate(role owner) error = nil; want the CHECK constraint to fail")
		}

		list, err := s.MemberList(ctx, wsA.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range list {
			got = append(got, m.Email+":"+m.Role)
		}
		if want := []string{"ada@example.com:admin", "bob@example.com:member"}; !slices.Equal(got, want) {
			t.Fatalf("MemberList(A) = %v; want %v", got, want)
		}
		if list, _ := s.MemberList(ctx, wsB.ID); len(list) != 1 || list[0].UserID != ada.ID || list[0].Role != "member" {
			t.Fatalf("MemberList(B) = %+v; want only ada as member", list)
		}
		if list, _ := s.MemberListByUser(ctx, ada.ID); len(list) != 2 || list[0].WorkspaceID != wsA.ID {
			t.Fatalf("MemberListByUser(ada) = %+v; want A then B", list)
		}

		if _, err := s.MemberGet(ctx, s.Read, wsB.ID, bob.ID); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("MemberGet(B, bob) error = %v; want ErrNotFound", err)
		}
		if m, err := s.MemberGet(ctx, s.Read, wsB.ID, ada.ID); err != nil || m.Role != "member" {
			t.Fatalf("MemberGet(B, ada) = %+v, %v; want role member", m, err)
		}
	})
}
