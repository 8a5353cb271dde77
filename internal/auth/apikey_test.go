package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestAPIKeys(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc, clk := newService(s)
		wsA, ada := mustWorkspace(t, svc, "A", "ada@example.com")
		wsB, _ := mustWorkspace(t, svc, "B", "bea@example.com")

		key, plaintext, err := svc.CreateAPIKey(ctx, auth.CreateAPIKeyParams{WorkspaceID: wsA.ID, Name: " Zapier ", CreatedBy: &ada.ID, By: audit.System("test")})
		if err != nil {
			t.Fatalf("CreateAPIKey() error = %v", err)
		}
		if !regexp.MustCompile(`^rk_[a-z2-7]{52}$`).MatchString(plaintext) {
			t.Fatalf("CreateAPIKey() plaintext = %q; want rk_ + 52 base32 characters", plaintext)
		}
		if key.Name != "Zapier" || key.Prefix != plaintext[:auth.APIKeyPrefixLength] || key.WorkspaceID != wsA.ID ||
			key.CreatedByUserID == nil || *key.CreatedByUserID != ada.ID {
			t.Fatalf("CreateAPIKey() = %+v; want Zapier of A by ada with prefix %q", key, plaintext[:auth.APIKeyPrefixLength])
		}

		// Only the hash rests in the database.
		sum := sha256.Sum256([]byte(plaintext))
		row := rowText(t, s, `SELECT * FROM api_keys WHERE id = $1`, key.ID)
		if !strings.Contains(strings.Join(row, "|"), hex.EncodeToString(sum[:])) {
			t.Fatalf("api_keys row %q has no SHA-256 of the key", row)
		}
		for _, v := range row {
			if strings.Contains(v, plaintext[auth.APIKeyPrefixLength:]) {
				t.Fatalf("api_keys row holds the key: %q", v)
			}
		}

		p, err := svc.AuthenticateAPIKey(ctx, plaintext)
		if err != nil {
			t.Fatalf("AuthenticateAPIKey() error = %v", err)
		}
		if p.WorkspaceID != wsA.ID || p.Role != auth.RoleAdmin || p.APIKeyID == nil || *p.APIKeyID != key.ID || p.UserID != nil || p.Name != "Zapier" {
			t.Fatalf("AuthenticateAPIKey() = %+v; want admin principal of key %s in A", p, key.ID)
		}

		// last_used_at is written on first use, then at most once a minute.
		firstUse := clk.Now()
		lastUsed := func() time.Time {
			t.Helper()
			ks, err := svc.ListAPIKeys(ctx, wsA.ID)
			if err != nil || len(ks) != 1 || ks[0].LastUsedAt == nil {
				t.Fatalf("ListAPIKeys(A) = %+v, %v; want one used key", ks, err)
			}
			return *ks[0].LastUsedAt
		}
		if got := lastUsed(); !got.Equal(firstUse) {
			t.Fatalf("LastUsedAt = %v; want %v", got, firstUse)
		}
		clk.Advance(30 * time.Second)
		if _, err := svc.AuthenticateAPIKey(ctx, plaintext); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); !got.Equal(firstUse) {
			t.Fatalf("LastUsedAt after 30s = %v; want unchanged %v", got, firstUse)
		}
		clk.Advance(time.Minute)
		if _, err := svc.AuthenticateAPIKey(ctx, plaintext); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); !got.Equal(clk.Now()) {
			t.Fatalf("LastUsedAt after 90s = %v; want %v", got, clk.Now())
		}

		// Workspace B can neither list nor revoke A's key.
		if ks, err := svc.ListAPIKeys(ctx, wsB.ID); err != nil || len(ks) != 0 {
			t.Fatalf("ListAPIKeys(B) = %+v, %v; want none", ks, err)
		}
		_, err = svc.RevokeAPIKey(ctx, wsB.ID, key.ID, audit.System("test"))
		wantCode(t, "RevokeAPIKey(B, key of A)", err, crm.ErrNotFound, crm.CodeNotFound, "")
		if _, err := svc.AuthenticateAPIKey(ctx, plaintext); err != nil {
			t.Fatalf("AuthenticateAPIKey() after B's revoke attempt = %v; want it still valid", err)
		}

		revoked, err := svc.RevokeAPIKey(ctx, wsA.ID, key.ID, audit.System("test"))
		if err != nil || revoked.RevokedAt == nil {
			t.Fatalf("RevokeAPIKey() = %+v, %v; want revoked", revoked, err)
		}
		_, err = svc.AuthenticateAPIKey(ctx, plaintext)
		wantCode(t, "AuthenticateAPIKey(revoked)", err, crm.ErrUnauthenticated, crm.CodeUnauthenticated, "")
	})
}

func TestAuthenticateAPIKeyRejects(t *testing.T) {
	s := storetest.NewSQLite(t)
	svc, _ := newService(s)
	ws, _ := mustWorkspace(t, svc, "A", "ada@example.com")
	_, plaintext, err := svc.CreateAPIKey(context.Background(), auth.CreateAPIKeyParams{WorkspaceID: ws.ID, Name: "k", By: audit.System("test")})
	if err != nil {
		t.Fatal(err)
	}
	flipped := plaintext[:len(plaintext)-1] + map[bool]string{true: "b", false: "a"}[strings.HasSuffix(plaintext, "a")]
	for _, tt := range []struct{ name, key string }{
		{"empty", ""},
		{"unknown", "rk_" + strings.Repeat("a", 52)},
		{"one character off", flipped},
		{"upper case", strings.ToUpper(plaintext)},
		{"truncated", plaintext[:len(plaintext)-1]},
		{"extended", plaintext + "a"},
		{"other tag", "sk_" + plaintext[3:]},
		{"hash of the key", func() string { s := sha256.Sum256([]byte(plaintext)); return hex.EncodeToString(s[:]) }()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := svc.AuthenticateAPIKey(context.Background(), tt.key)
			if p != nil {
				t.Fatalf("AuthenticateAPIKey(%q) = %+v; want nil", tt.key, p)
			}
			wantCode(t, "AuthenticateAPIKey()", err, crm.ErrUnauthenticated, crm.CodeUnauthenticated, "")
		})
	}
}

func TestCreateAPIKeyValidation(t *testing.T) {
	s := storetest.NewSQLite(t)
	svc, _ := newService(s)
	wsA, _ := mustWorkspace(t, svc, "A", "ada@example.com")
	_, bea := mustWorkspace(t, svc, "B", "bea@example.com")
	tests := []struct {
		name        string
		workspaceID string
		keyName     string
		createdBy   *string
		cause       error
		code, field string
	}{
		{"no name", wsA.ID, " ", nil, crm.ErrInvalid, crm.CodeRequired, "name"},
		{"creator from another workspace", wsA.ID, "k", &bea.ID, crm.ErrInvalid, crm.CodeInvalidValue, "createdBy"},
		{"unknown workspace", "nope", "k", nil, crm.ErrNotFound, crm.CodeNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, plaintext, err := svc.CreateAPIKey(context.Background(), auth.CreateAPIKeyParams{WorkspaceID: tt.workspaceID, Name: tt.keyName, CreatedBy: tt.createdBy, By: audit.System("test")})
			if k != nil || plaintext != "" {
				t.Fatalf("CreateAPIKey() = %+v, %q; want nothing", k, plaintext)
			}
			wantCode(t, "CreateAPIKey()", err, tt.cause, tt.code, tt.field)
		})
	}
}
