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

func authCreateKey(t *testing.T, s *store.Store, workspaceID, name, hash string, by *string) *store.APIKey {
	t.Helper()
	var k *store.APIKey
	err := s.InTx(context.Background(), func(tx *sql.Tx) (err error) {
		k, err = s.APIKeyCreate(context.Background(), tx, &store.APIKeyCreateParams{
			WorkspaceID: workspaceID, Name: name, Prefix: "rk_" + hash[:4], Hash: hash, CreatedByUserID: by, Now: authNow})
		return err
	})
	if err != nil {
		t.Fatalf("APIKeyCreate(%s) error = %v", name, err)
	}
	return k
}

func TestAPIKey(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		wsA, wsB := authWorkspace(t, s, "A"), authWorkspace(t, s, "B")
		ada := authUser(t, s, "ada@example.com")
		keyA := authCreateKey(t, s, wsA.ID, "zapier", "aaaa1111", &ada.ID)
		keyB := authCreateKey(t, s, wsB.ID, "b", "bbbb2222", nil)

		got, err := s.APIKeyGet(ctx, wsA.ID, keyA.ID)
		if err != nil {
			t.Fatalf("APIKeyGet() error = %v", err)
		}
		if got.Name != "zapier" || got.Prefix != "rk_aaaa" || got.CreatedByUserID == nil || *got.CreatedByUserID != ada.ID ||
			!got.CreatedAt.Equal(authNow) || got.LastUsedAt != nil || got.RevokedAt != nil {
			t.Fatalf("APIKeyGet() = %+v; want the created key", got)
		}

		byHash, err := s.APIKeyGetByHash(ctx, "bbbb2222")
		if err != nil || byHash.ID != keyB.ID || byHash.WorkspaceID != wsB.ID || byHash.CreatedByUserID != nil {
			t.Fatalf("APIKeyGetByHash() = %+v, %v; want key %s of B", byHash, err, keyB.ID)
		}

		// Workspace A cannot see, revoke or touch B's key.
		if _, err := s.APIKeyGet(ctx, wsA.ID, keyB.ID); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("APIKeyGet(A, key of B) error = %v; want ErrNotFound", err)
		}
		if _, _, err := s.APIKeyRevoke(ctx, s.Write, &store.APIKeyRevokeParams{WorkspaceID: wsA.ID, ID: keyB.ID, Now: authNow}); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("APIKeyRevoke(A, key of B) error = %v; want ErrNotFound", err)
		}
		if wrote, err := s.APIKeyTouch(ctx, &store.APIKeyTouchParams{WorkspaceID: wsA.ID, ID: keyB.ID, Now: authNow, UsedBefore: authNow}); err != nil || wrote {
			t.Fatalf("APIKeyTouch(A, key of B) = %v, %v; want false", wrote, err)
		}
		if list, err := s.APIKeyList(ctx, wsA.ID); err != nil || len(list) != 1 || list[0].ID != keyA.ID {
			t.Fatalf("APIKeyList(A) = %+v, %v; want only %s", list, err, keyA.ID)
		}
		if k, _ := s.APIKeyGetByHash(ctx, "bbbb2222"); k == nil || k.RevokedAt != nil {
			t.Fatalf("key of B after A's attempts = %+v; want it unrevoked", k)
		}

		// Touch writes once per interval.
		t1 := authNow.Add(time.Minute)
		if wrote, err := s.APIKeyTouch(ctx, &store.APIKeyTouchParams{WorkspaceID: wsB.ID, ID: keyB.ID, Now: t1, UsedBefore: t1.Add(-time.Minute)}); err != nil || !wrote {
			t.Fatalf("APIKeyTouch(first use) = %v, %v; want true", wrote, err)
		}
		t2 := t1.Add(10 * time.Second)
		if wrote, err := s.APIKeyTouch(ctx, &store.APIKeyTouchParams{WorkspaceID: wsB.ID, ID: keyB.ID, Now: t2, UsedBefore: t2.Add(-time.Minute)}); err != nil || wrote {
			t.Fatalf("APIKeyTouch(10s later) = %v, %v; want false", wrote, err)
		}
		if k, _ := s.APIKeyGet(ctx, wsB.ID, keyB.ID); k.LastUsedAt == nil || !k.LastUsedAt.Equal(t1) {
			t.Fatalf("LastUsedAt = %v; want %v", k.LastUsedAt, t1)
		}

		// Revoke is idempotent and hides the key from hash lookups.
		revokedAt := authNow.Add(time.Hour)
		k, _, err := s.APIKeyRevoke(ctx, s.Write, &store.APIKeyRevokeParams{WorkspaceID: wsB.ID, ID: keyB.ID, Now: revokedAt})
		if err != nil || k.RevokedAt == nil || !k.RevokedAt.Equal(revokedAt) {
			t.Fatalf("APIKeyRevoke() = %+v, %v; want revoked at %v", k, err, revokedAt)
		}
		k, _, err = s.APIKeyRevoke(ctx, s.Write, &store.APIKeyRevokeParams{WorkspaceID: wsB.ID, ID: keyB.ID, Now: revokedAt.Add(time.Hour)})
		if err != nil || !k.RevokedAt.Equal(revokedAt) {
			t.Fatalf("APIKeyRevoke(again) = %+v, %v; want first revocation time kept", k, err)
		}
		if _, err := s.APIKeyGetByHash(ctx, "bbbb2222"); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("APIKeyGetByHash(revoked) error = %v; want ErrNotFound", err)
		}
		if list, _ := s.APIKeyList(ctx, wsB.ID); len(list) != 1 || list[0].RevokedAt == nil {
			t.Fatalf("APIKeyList(B) = %+v; want the revoked key listed", list)
		}

		// Deleting a workspace takes its keys with it.
		if _, err := s.Write.ExecContext(ctx, `DELETE FROM workspaces WHERE id = $1`, wsA.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.APIKeyGetByHash(ctx, "aaaa1111"); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("APIKeyGetByHash(key of deleted workspace) error = %v; want ErrNotFound", err)
		}
	})
}
