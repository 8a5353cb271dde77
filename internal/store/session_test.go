package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func authCreateSession(t *testing.T, s *store.Store, id, workspaceID, userID string, expires time.Time) {
	t.Helper()
	err := s.InTx(context.Background(), func(tx *sql.Tx) error {
		return s.SessionCreate(context.Background(), tx, &store.SessionCreateParams{ID: id, UserID: userID, WorkspaceID: workspaceID, Now: authNow, ExpiresAt: expires})
	})
	if err != nil {
		t.Fatalf("SessionCreate(%s) error = %v", id, err)
	}
}

func TestSession(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ws := authWorkspace(t, s, "A")
		ada, bob := authUser(t, s, "ada@example.com"), authUser(t, s, "bob@example.com")
		member, err := authAddMember(ctx, s, ws.ID, ada.ID, "admin")
		if err != nil {
			t.Fatal(err)
		}
		expires := authNow.Add(time.Hour)
		authCreateSession(t, s, "h1", ws.ID, ada.ID, expires)
		authCreateSession(t, s, "h2", ws.ID, ada.ID, authNow.Add(time.Minute))
		authCreateSession(t, s, "h-bob", ws.ID, bob.ID, expires) // bob is no member

		got, err := s.SessionGet(ctx, "h1")
		if err != nil {
			t.Fatalf("SessionGet() error = %v", err)
		}
		want := store.Session{ID: "h1", UserID: ada.ID, WorkspaceID: ws.ID, CreatedAt: authNow, LastSeenAt: authNow,
			ExpiresAt: expires, MemberID: member.ID, Role: "admin", Email: ada.Email, Name: ada.Name}
		if *got != want {
			t.Fatalf("SessionGet() = %+v; want %+v", got, want)
		}
		if _, err := s.SessionGet(ctx, "h-bob"); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("SessionGet(session of a non-member) error = %v; want ErrNotFound", err)
		}
		if _, err := s.SessionGet(ctx, "nope"); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("SessionGet(unknown) error = %v; want ErrNotFound", err)
		}

		// Touch is throttled by SeenBefore.
		later := authNow.Add(30 * time.Second)
		wrote, err := s.SessionTouch(ctx, &store.SessionTouchParams{ID: "h1", Now: later, ExpiresAt: later.Add(time.Hour), SeenBefore: later.Add(-time.Minute)})
		if err != nil || wrote {
			t.Fatalf("SessionTouch(seen 30s ago) = %v, %v; want false", wrote, err)
		}
		later = authNow.Add(2 * time.Minute)
		wrote, err = s.SessionTouch(ctx, &store.SessionTouchParams{ID: "h1", Now: later, ExpiresAt: later.Add(time.Hour), SeenBefore: later.Add(-time.Minute)})
		if err != nil || !wrote {
			t.Fatalf("SessionTouch(seen 2m ago) = %v, %v; want true", wrote, err)
		}
		if got, _ := s.SessionGet(ctx, "h1"); !got.LastSeenAt.Equal(later) || !got.ExpiresAt.Equal(later.Add(time.Hour)) {
			t.Fatalf("after touch: last seen %v, expires %v; want %v, %v", got.LastSeenAt, got.ExpiresAt, later, later.Add(time.Hour))
		}

		n, err := s.SessionDeleteExpired(ctx, authNow.Add(10*time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("SessionDeleteExpired() = %d, %v; want 1", n, err)
		}
		if _, err := s.SessionGet(ctx, "h2"); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("SessionGet(expired and swept) error = %v; want ErrNotFound", err)
		}

		if err := s.SessionDelete(ctx, "h1"); err != nil {
			t.Fatalf("SessionDelete() error = %v", err)
		}
		if err := s.SessionDelete(ctx, "h1"); err != nil {
			t.Fatalf("SessionDelete(again) error = %v; want nil", err)
		}
		if _, err := s.SessionGet(ctx, "h1"); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("SessionGet(deleted) error = %v; want ErrNotFound", err)
		}
	})
}
