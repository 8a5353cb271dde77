package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// APIKey is an API key as listed: name, display prefix and dates, never the
// key or its hash.
type APIKey = store.APIKey

// API key format: "rk_" and 52 lower-case base32 characters (256 random
// bits). The fixed prefix lets secret scanners recognise leaked keys;
// APIKeyPrefixLength characters are kept in clear so lists can show which key
// is which.
const (
	apiKeyTag          = "rk_"
	apiKeyRandomBytes  = 32
	APIKeyPrefixLength = 11
	// apiKeyLength is the length of every key Roster issues:
	// ceil(256 bits / 5 bits per character) = 52, after the tag.
	apiKeyLength = len(apiKeyTag) + (apiKeyRandomBytes*8+4)/5
)

// touchInterval is how stale last_used_at (and a session's last_seen_at) may
// get before a request writes it again; a busy key costs one write a minute,
// not one per request.
const touchInterval = time.Minute

// CreateAPIKeyParams are the inputs of CreateAPIKey.
type CreateAPIKeyParams struct {
	WorkspaceID string
	Name        string
	// CreatedBy, when set, is the user who creates the key; they must be a
	// member of the workspace.
	CreatedBy *string
	// By is who the audit log names (the member, or the CLI's system actor).
	By audit.Actor
}

// CreateAPIKey issues a key for a workspace and returns it with its
// plaintext, which is shown to the caller once and never stored (nor
// audited: the entry names the key by ID, name and display prefix).
// Callers check RequireAdmin first.
func (s *Service) CreateAPIKey(ctx context.Context, p CreateAPIKeyParams) (*APIKey, string, error) {
	workspaceID, createdBy := p.WorkspaceID, p.CreatedBy
	name, err := checkName("name", p.Name, true)
	if err != nil {
		return nil, "", err
	}
	if _, err := s.store.WorkspaceGet(ctx, workspaceID); err != nil {
		return nil, "", fmt.Errorf("auth: create api key: %w", err)
	}
	if createdBy != nil {
		if _, err := s.store.MemberGet(ctx, s.store.Read, workspaceID, *createdBy); errors.Is(err, crm.ErrNotFound) {
			return nil, "", crm.Invalid("createdBy", crm.CodeInvalidValue, "is not a member of this workspace")
		} else if err != nil {
			return nil, "", fmt.Errorf("auth: create api key: %w", err)
		}
	}
	b := make([]byte, apiKeyRandomBytes)
	if _, err := rand.Read(b); err != nil {
		return nil, "", fmt.Errorf("auth: create api key: %w", err)
	}
	enc := base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)
	plaintext := apiKeyTag + enc.EncodeToString(b)
	var k *APIKey
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		k, err = s.store.APIKeyCreate(ctx, tx, &store.APIKeyCreateParams{
			WorkspaceID: workspaceID, Name: name, Prefix: plaintext[:APIKeyPrefixLength],
			Hash: tokenHash(plaintext), CreatedByUserID: createdBy, Now: s.clock(),
		})
		if err != nil {
			return err
		}
		return s.record(ctx, tx, workspaceID, audit.Entry{Action: audit.APIKeyCreated, Actor: p.By, Target: keyTarget(k),
			Details: map[string]any{"prefix": k.Prefix}})
	})
	if err != nil {
		return nil, "", fmt.Errorf("auth: create api key: %w", err)
	}
	return k, plaintext, nil
}

// ListAPIKeys returns a workspace's keys, revoked ones included, newest
// first.
func (s *Service) ListAPIKeys(ctx context.Context, workspaceID string) ([]*APIKey, error) {
	ks, err := s.store.APIKeyList(ctx, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("auth: list api keys: %w", err)
	}
	return ks, nil
}

// RevokeAPIKey revokes a key of the workspace at once, audited as by's;
// requests with it fail from then on. A key of another workspace is
// crm.ErrNotFound. Revoking twice is harmless and audited once.
func (s *Service) RevokeAPIKey(ctx context.Context, workspaceID, id string, by audit.Actor) (*APIKey, error) {
	var k *APIKey
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		var (
			revoked bool
			err     error
		)
		k, revoked, err = s.store.APIKeyRevoke(ctx, tx, &store.APIKeyRevokeParams{WorkspaceID: workspaceID, ID: id, Now: s.clock()})
		if err != nil || !revoked {
			return err
		}
		return s.record(ctx, tx, workspaceID, audit.Entry{Action: audit.APIKeyRevoked, Actor: by, Target: keyTarget(k),
			Details: map[string]any{"prefix": k.Prefix}})
	})
	if err != nil {
		return nil, fmt.Errorf("auth: revoke api key: %w", err)
	}
	return k, nil
}

// keyTarget names an API key as an entry's target.
func keyTarget(k *APIKey) audit.Target {
	return audit.Target{Type: audit.TargetAPIKey, ID: k.ID, Label: k.Name}
}

// AuthenticateAPIKey returns the Principal of a live key (role admin, see the
// package doc), or crm.ErrUnauthenticated for anything else. Malformed keys
// are rejected without a database read. It records the key's last use at
// most once per minute.
func (s *Service) AuthenticateAPIKey(ctx context.Context, plaintext string) (*Principal, error) {
	if !wellFormedAPIKey(plaintext) {
		return nil, errUnauthenticated()
	}
	k, err := s.store.APIKeyGetByHash(ctx, tokenHash(plaintext))
	if errors.Is(err, crm.ErrNotFound) {
		return nil, errUnauthenticated()
	}
	if err != nil {
		return nil, fmt.Errorf("auth: authenticate api key: %w", err)
	}
	now := s.clock()
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= touchInterval {
		_, err := s.store.APIKeyTouch(ctx, &store.APIKeyTouchParams{WorkspaceID: k.WorkspaceID, ID: k.ID, Now: now, UsedBefore: now.Add(-touchInterval)})
		if err != nil {
			return nil, fmt.Errorf("auth: authenticate api key: %w", err)
		}
	}
	id := k.ID
	return &Principal{WorkspaceID: k.WorkspaceID, APIKeyID: &id, Role: RoleAdmin, Name: k.Name}, nil
}

func wellFormedAPIKey(s string) bool {
	if len(s) != apiKeyLength || !strings.HasPrefix(s, apiKeyTag) {
		return false
	}
	for _, c := range s[len(apiKeyTag):] {
		if (c < 'a' || c > 'z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}
