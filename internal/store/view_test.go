package store_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestSavedViews(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now()
		ws1 := storetest.NewWorkspace(t, s, "One")
		ws2 := storetest.NewWorkspace(t, s, "Two")
		var ada, bob string
		err := s.InTx(ctx, func(tx *sql.Tx) error {
			for _, u := range []struct {
				email string
				id    *string
			}{{"ada@x.test", &ada}, {"bob@x.test", &bob}} {
				got, err := s.UserCreate(ctx, tx, &store.UserCreateParams{Email: u.email, PasswordHash: "h", Now: now})
				if err != nil {
					return err
				}
				*u.id = got.ID
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		save := func(ws, user, name, q string) *store.SavedView {
			t.Helper()
			var v *store.SavedView
			if err := s.InTx(ctx, func(tx *sql.Tx) error {
				var err error
				v, err = s.SavedViewSave(ctx, tx, &store.SavedViewSaveParams{WorkspaceID: ws, UserID: user, Object: crm.ObjectPerson, Name: name, Query: q, Now: now})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return v
		}
		active := save(ws1, ada, "Active", "status=active")
		again := save(ws1, ada, "Active", "status=active&status=trialing")
		if again.ID != active.ID || again.Query != "status=active&status=trialing" {
			t.Errorf("saving the same name = %+v; want the same view %s with the new query", again, active.ID)
		}
		save(ws1, ada, "Berlin", "f=city&o=eq&v=Berlin")
		bobs := save(ws1, bob, "Bob's", "q=x")
		save(ws2, ada, "Elsewhere", "q=y")

		list := func(ws, user string, o crm.ObjectName) []string {
			t.Helper()
			vs, err := s.SavedViewList(ctx, &store.SavedViewListParams{WorkspaceID: ws, UserID: user, Object: o})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, v := range vs {
				names = append(names, v.Name)
			}
			return names
		}
		for _, c := range []struct {
			ws, user string
			o        crm.ObjectName
			want     []string
		}{
			{ws1, ada, crm.ObjectPerson, []string{"Active", "Berlin"}},
			{ws1, bob, crm.ObjectPerson, []string{"Bob's"}},
			{ws2, ada, crm.ObjectPerson, []string{"Elsewhere"}},
			{ws1, ada, crm.ObjectCompany, nil},
		} {
			if got := list(c.ws, c.user, c.o); !slices.Equal(got, c.want) {
				t.Errorf("SavedViewList(%s) = %v; want %v", c.o, got, c.want)
			}
		}

		del := func(ws, user, id string) error {
			return s.InTx(ctx, func(tx *sql.Tx) error {
				_, err := s.SavedViewDelete(ctx, tx, &store.SavedViewDeleteParams{WorkspaceID: ws, UserID: user, ID: id})
				return err
			})
		}
		if err := del(ws1, ada, bobs.ID); !errors.Is(err, crm.ErrNotFound) {
			t.Errorf("deleting another user's view = %v; want not found", err)
		}
		if err := del(ws2, bob, bobs.ID); !errors.Is(err, crm.ErrNotFound) {
			t.Errorf("deleting from another workspace = %v; want not found", err)
		}
		if err := del(ws1, ada, active.ID); err != nil {
			t.Fatal(err)
		}
		if got := list(ws1, ada, crm.ObjectPerson); !slices.Equal(got, []string{"Berlin"}) {
			t.Errorf("after delete = %v; want [Berlin]", got)
		}
		if got := list(ws1, bob, crm.ObjectPerson); !slices.Equal(got, []string{"Bob's"}) {
			t.Errorf("bob's views after ada's delete = %v", got)
		}
	})
}
