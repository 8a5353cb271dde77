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

// authNow is a fixed clock for the auth store tests, with microseconds only
// (the precision both dialects keep).
var authNow = time.Date(2025, 3, 4, 5, 6, 7, 123456000, time.UTC)

// authWorkspace creates a workspace for the auth store tests.
func authWorkspace(t *testing.T, s *store.Store, name string) *store.Workspace {
	t.Helper()
	var w *store.Workspace
	err := s.InTx(context.Background(), func(tx *sql.Tx) (err error) {
		w, err = s.WorkspaceCreate(context.Background(), tx, &store.WorkspaceCreateParams{Name: name, Now: authNow})
		return err
	})
	if err != nil {
		t.Fatalf("WorkspaceCreate(%q) error = %v", name, err)
	}
	return w
}

// authUser creates a user for the auth store tests.
func authUser(t *testing.T, s *store.Store, email string) *store.User {
	t.Helper()
	var u *store.User
	err := s.InTx(context.Background(), func(tx *sql.Tx) (err error) {
		u, err = s.UserCreate(context.Background(), tx, &store.UserCreateParams{Email: email, Name: "N " + email, PasswordHash: "$argon2id$fake", Now: authNow})
		return err
	})
	if err != nil {
		t.Fatalf("UserCreate(%q) error = %v", email, err)
	}
	return u
}

func TestUser(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := authUser(t, s, "ada@example.com")

		byID, err := s.UserGet(ctx, s.Read, u.ID)
		if err != nil {
			t.Fatalf("UserGet() error = %v", err)
		}
		if *byID != *u {
			t.Fatalf("UserGet() = %+v; want %+v", byID, u)
		}
		byEmail, err := s.UserGetByEmail(ctx, s.Read, "ada@example.com")
		if err != nil || byEmail.ID != u.ID || byEmail.PasswordHash != "$argon2id$fake" {
			t.Fatalf("UserGetByEmail() = %+v, %v; want user %s", byEmail, err, u.ID)
		}

		if _, err := s.UserGetByEmail(ctx, s.Read, "nobody@example.com"); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("UserGetByEmail(unknown) error = %v; want ErrNotFound", err)
		}
		if _, err := s.UserGet(ctx, s.Read, "no-such-id"); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("UserGet(unknown) error = %v; want ErrNotFound", err)
		}

		err = s.InTx(ctx, func(tx *sql.Tx) error {
			_, err := s.UserCreate(ctx, tx, &store.UserCreateParams{Email: "ada@example.com", PasswordHash: "x", Now: authNow})
			return err
		})
		if e, ok := crm.AsError(err); !ok || !errors.Is(err, crm.ErrConflict) || e.Field != "email" {
			t.Fatalf("UserCreate(duplicate) error = %v; want ErrConflict on email", err)
		}
	})
}
