package auth_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

func newService(s *store.Store) (*auth.Service, *clock) {
	c := &clock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	return auth.New(auth.Config{Store: s, Now: c.Now}), c
}

// mustWorkspace creates a workspace with an admin whose password is
// "password-" + email.
func mustWorkspace(t *testing.T, svc *auth.Service, name, email string) (*store.Workspace, *auth.User) {
	t.Helper()
	ws, u, err := svc.CreateWorkspace(context.Background(), auth.CreateWorkspaceParams{
		Name: name, AdminEmail: email, AdminPassword: "password-" + email, AdminName: "Admin of " + name})
	if err != nil {
		t.Fatalf("CreateWorkspace(%q) error = %v", name, err)
	}
	return ws, u
}

// wantCode checks that err is a *crm.Error with the sentinel cause, code
// and (when not empty) field.
func wantCode(t *testing.T, what string, err, cause error, code, field string) {
	t.Helper()
	e, ok := crm.AsError(err)
	if !ok || !errors.Is(err, cause) || e.Code != code || (field != "" && e.Field != field) {
		t.Fatalf("%s error = %#v; want *crm.Error %v code %s field %q", what, err, cause, code, field)
	}
}

// rowText returns every column of the rows query selects, as text, so
// tests can check that no secret rests in the database.
func rowText(t *testing.T, s *store.Store, query string, args ...any) []string {
	t.Helper()
	rows, err := s.Read.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			switch x := v.(type) {
			case string:
				out = append(out, x)
			case []byte:
				out = append(out, string(x))
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
