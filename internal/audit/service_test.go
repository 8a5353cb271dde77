package audit_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func newEnv(t testing.TB, s *store.Store) (*audit.Service, *clock, string, string) {
	t.Helper()
	c := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	var a, b string
	err := s.InTx(context.Background(), func(tx *sql.Tx) error {
		for _, id := range []*string{&a, &b} {
			ws, err := s.WorkspaceCreate(context.Background(), tx, &store.WorkspaceCreateParams{Name: "ws", Now: c.t})
			if err != nil {
				return err
			}
			*id = ws.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return audit.New(audit.Config{Store: s, Now: c.Now}), c, a, b
}

var admin = audit.Member("member-1", "Ada")

func list(t testing.TB, svc *audit.Service, ws string, p audit.ListParams) *audit.Page {
	t.Helper()
	pg, err := svc.List(context.Background(), ws, p)
	if err != nil {
		t.Fatalf("List(%+v) error = %v", p, err)
	}
	return pg
}

func TestRecordAndList(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		svc, c, wsA, wsB := newEnv(t, s)
		ctx := audit.WithOrigin(context.Background(), audit.Origin{IP: "203.0.113.5", UserAgent: "curl/8"})
		key := audit.APIKey("key-1", "Zapier")
		entries := []struct {
			ws string
			e  audit.Entry
		}{
			{wsA, audit.Entry{Action: audit.MemberRoleChanged, Actor: admin, Target: audit.Target{Type: audit.TargetMember, ID: "member-2", Label: "bob@x.test"}, Details: map[string]any{"from": "member", "to": "admin"}}},
			{wsA, audit.Entry{Action: audit.APIKeyCreated, Actor: admin, Target: audit.Target{Type: audit.TargetAPIKey, ID: "key-1", Label: "Zapier"}}},
			{wsA, audit.Entry{Action: audit.ExportCSV, Actor: key, Target: audit.Target{Type: audit.TargetObject, Label: "people"}, Details: map[string]any{"filter": "city[eq]:Paris"}}},
			{wsB, audit.Entry{Action: audit.MemberRemoved, Actor: admin}},
			{wsA, audit.Entry{Action: audit.WhopSyncFinished, Actor: audit.System("Whop"), IP: "198.51.100.1", UserAgent: "Whop-Webhooks"}},
		}
		for _, x := range entries {
			c.t = c.t.Add(time.Minute)
			if err := svc.Record(ctx, x.ws, x.e); err != nil {
				t.Fatalf("Record(%s) error = %v", x.e.Action, err)
			}
		}

		pg := list(t, svc, wsA, audit.ListParams{WithTotal: true})
		var got []string
		for _, e := range pg.Events {
			got = append(got, string(e.Action))
		}
		if want := "whop.sync.finished export.csv api_key.created member.role_changed"; strings.Join(got, " ") != want || pg.TotalCount != 4 {
			t.Fatalf("List(A) = %v (total %d); want %s newest first, total 4 (B's entry not among them)", got, pg.TotalCount, want)
		}
		first := pg.Events[3]
		if first.Actor != admin || first.Target.ID != "member-2" || first.Details["to"] != "admin" || first.IP != "203.0.113.5" || first.UserAgent != "curl/8" || first.WorkspaceID != wsA {
			t.Errorf("member.role_changed = %+v; want Ada's change of member-2 to admin, from 203.0.113.5 with curl/8", first)
		}
		if e := pg.Events[0]; e.IP != "198.51.100.1" || e.UserAgent != "Whop-Webhooks" {
			t.Errorf("entry with its own origin = %q %q; want what it gave, not the context's", e.IP, e.UserAgent)
		}

		// Filters: one action, several, by actor, by time.
		for _, tt := range []struct {
			name string
			f    audit.Filter
			want int
		}{
			{"action eq", audit.Filter{Actions: []audit.Action{audit.APIKeyCreated}}, 1},
			{"action in", audit.Filter{Actions: []audit.Action{audit.APIKeyCreated, audit.ExportCSV, audit.MemberRemoved}}, 2},
			{"actor", audit.Filter{ActorID: "key-1"}, 1},
			{"actor and action", audit.Filter{ActorID: "member-1", Actions: []audit.Action{audit.ExportCSV}}, 0},
			{"since", audit.Filter{Since: ptr(time.Date(2026, 3, 1, 9, 3, 0, 0, time.UTC))}, 2},
			{"until", audit.Filter{Until: ptr(time.Date(2026, 3, 1, 9, 2, 0, 0, time.UTC))}, 2},
			{"prefix", audit.Filter{Prefix: "whop."}, 1},
			{"whop only", audit.Filter{WhopOnly: true}, 1},
		} {
			if n := len(list(t, svc, wsA, audit.ListParams{Filter: tt.f}).Events); n != tt.want {
				t.Errorf("List(%s) = %d entries; want %d", tt.name, n, tt.want)
			}
		}
		if n := len(list(t, svc, wsB, audit.ListParams{Filter: audit.Filter{ActorID: "key-1"}}).Events); n != 0 {
			t.Errorf("List(B, A's key) = %d entries; want 0", n)
		}

		actors, err := svc.Actors(context.Background(), wsA)
		if err != nil || len(actors) != 2 || actors[0] != key || actors[1] != admin {
			t.Errorf("Actors(A) = %+v, %v; want the key then Ada (system actors have no ID)", actors, err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestListPages(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		svc, c, ws, _ := newEnv(t, s)
		ctx := context.Background()
		// Three entries share each instant, so paging must order by ID too.
		for i := range 9 {
			if i%3 == 0 {
				c.t = c.t.Add(time.Second)
			}
			if err := svc.Record(ctx, ws, audit.Entry{Action: audit.ExportCSV, Actor: admin, Details: map[string]any{"n": i}}); err != nil {
				t.Fatal(err)
			}
		}
		seen := map[string]bool{}
		var order []float64
		after := ""
		for pages := 0; ; pages++ {
			pg := list(t, svc, ws, audit.ListParams{First: 2, After: after})
			for _, e := range pg.Events {
				if seen[e.ID] {
					t.Fatalf("entry %s on two pages", e.ID)
				}
				seen[e.ID] = true
				order = append(order, e.Details["n"].(float64))
			}
			if !pg.HasNextPage {
				break
			}
			if pages > 5 {
				t.Fatal("more than 5 pages of 2 for 9 entries")
			}
			after = pg.Cursors[len(pg.Cursors)-1]
		}
		if len(seen) != 9 {
			t.Fatalf("pages held %d entries; want all 9", len(seen))
		}
		// Newest instant first: entries 6-8 come before 3-5, before 0-2.
		for i, n := range order {
			if int(n)/3 != 2-i/3 {
				t.Fatalf("order = %v; want the last second's entries first", order)
			}
		}
	})
}

func TestListRefusesBadInput(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		svc, _, ws, _ := newEnv(t, s)
		many := make([]audit.Action, 101)
		for i := range many {
			many[i] = audit.ExportCSV
		}
		for _, tt := range []struct {
			name  string
			p     audit.ListParams
			cause error
			field string
		}{
			{"unknown action", audit.ListParams{Filter: audit.Filter{Actions: []audit.Action{"member.deleted"}}}, crm.ErrInvalid, "action"},
			{"too many actions", audit.ListParams{Filter: audit.Filter{Actions: many}}, crm.ErrInvalid, "action"},
			{"first too big", audit.ListParams{First: crm.MaxPageSize + 1}, crm.ErrInvalid, "first"},
			{"negative first", audit.ListParams{First: -1}, crm.ErrInvalid, "first"},
			{"bad cursor", audit.ListParams{After: "not-a-cursor"}, crm.ErrInvalid, "after"},
			{"since after until", audit.ListParams{Filter: audit.Filter{Since: ptr(time.Now()), Until: ptr(time.Now().Add(-time.Hour))}}, crm.ErrInvalid, "createdAt"},
			{"member asks for member actions", audit.ListParams{Filter: audit.Filter{WhopOnly: true, Actions: []audit.Action{audit.MemberRemoved}}}, crm.ErrForbidden, "action"},
			{"member asks for another prefix", audit.ListParams{Filter: audit.Filter{WhopOnly: true, Prefix: "member."}}, crm.ErrForbidden, "action"},
		} {
			_, err := svc.List(context.Background(), ws, tt.p)
			e, ok := crm.AsError(err)
			if !errors.Is(err, tt.cause) || !ok || e.Field != tt.field {
				t.Errorf("List(%s) error = %v; want %v on %q", tt.name, err, tt.cause, tt.field)
			}
		}
	})
}

func TestRecordRefuses(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		svc, _, ws, _ := newEnv(t, s)
		ctx := context.Background()
		plaintext := "rk_" + strings.Repeat("abcd", 13)
		for _, tt := range []struct {
			name      string
			e         audit.Entry
			ws        string
			secretErr bool
		}{
			{"unknown action", audit.Entry{Action: "member.deleted", Actor: admin}, ws, false},
			{"no actor", audit.Entry{Action: audit.ExportCSV}, ws, false},
			{"member without ID", audit.Entry{Action: audit.ExportCSV, Actor: audit.Member("", "Ada")}, ws, false},
			{"system with ID", audit.Entry{Action: audit.ExportCSV, Actor: audit.Actor{Kind: audit.ActorSystem, ID: "x"}}, ws, false},
			{"no workspace", audit.Entry{Action: audit.ExportCSV, Actor: admin}, "", false},
			{"password key", audit.Entry{Action: audit.ExportCSV, Actor: admin, Details: map[string]any{"newPassword": "hunter2"}}, ws, true},
			{"token key, nested", audit.Entry{Action: audit.ExportCSV, Actor: admin, Details: map[string]any{"link": map[string]any{"resetToken": "x"}}}, ws, true},
			{"webhook secret", audit.Entry{Action: audit.WhopConnected, Actor: admin, Details: map[string]any{"webhookSecret": "whsec_x"}}, ws, true},
			{"api key value", audit.Entry{Action: audit.APIKeyCreated, Actor: admin, Details: map[string]any{"note": "key is " + plaintext}}, ws, true},
			{"api key in a list", audit.Entry{Action: audit.APIKeyCreated, Actor: admin, Details: map[string]any{"keys": []any{"a", plaintext}}}, ws, true},
		} {
			err := svc.Record(ctx, tt.ws, tt.e)
			if err == nil || errors.Is(err, audit.ErrSecret) != tt.secretErr {
				t.Errorf("Record(%s) error = %v; want a refusal (secret: %v)", tt.name, err, tt.secretErr)
			}
		}
		if pg := list(t, svc, ws, audit.ListParams{}); len(pg.Events) != 0 {
			t.Errorf("log after refused entries = %d; want none", len(pg.Events))
		}
		// The key prefix a list shows is not the key.
		if err := svc.Record(ctx, ws, audit.Entry{Action: audit.APIKeyCreated, Actor: admin, Details: map[string]any{"prefix": plaintext[:11]}}); err != nil {
			t.Errorf("Record(prefix) error = %v; want nil", err)
		}
	})
}

func TestRecordTxRollsBack(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		svc, _, ws, _ := newEnv(t, s)
		ctx := context.Background()
		boom := errors.New("the change failed")
		err := s.InTx(ctx, func(tx *sql.Tx) error {
			if err := svc.RecordTx(ctx, tx, ws, audit.Entry{Action: audit.MemberRemoved, Actor: admin}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx error = %v; want the change's", err)
		}
		if pg := list(t, svc, ws, audit.ListParams{}); len(pg.Events) != 0 {
			t.Fatalf("log after a rolled-back change = %d entries; want none", len(pg.Events))
		}
		if err := s.InTx(ctx, func(tx *sql.Tx) error {
			return svc.RecordTx(ctx, tx, ws, audit.Entry{Action: audit.MemberRemoved, Actor: admin})
		}); err != nil {
			t.Fatal(err)
		}
		if pg := list(t, svc, ws, audit.ListParams{}); len(pg.Events) != 1 {
			t.Fatalf("log after a committed change = %d entries; want 1", len(pg.Events))
		}
	})
}

func TestPrune(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		svc, c, wsA, wsB := newEnv(t, s)
		ctx := context.Background()
		start := c.t
		for day := range 3 {
			c.t = start.Add(time.Duration(day) * 24 * time.Hour)
			for _, ws := range []string{wsA, wsB} {
				if err := svc.Record(ctx, ws, audit.Entry{Action: audit.ExportCSV, Actor: admin, Details: map[string]any{"day": day}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		// 400 days after the second day's entries, only the first day's are
		// past retention.
		c.t = start.Add(24*time.Hour + audit.Retention)
		res, err := svc.Prune(ctx)
		if err != nil || res.Entries != 2 {
			t.Fatalf("Prune() = %+v, %v; want 2 entries (day 0 of each workspace)", res, err)
		}
		for _, ws := range []string{wsA, wsB} {
			pg := list(t, svc, ws, audit.ListParams{})
			if len(pg.Events) != 2 || pg.Events[1].Details["day"] != float64(1) {
				t.Errorf("log after prune = %d entries; want days 1 and 2", len(pg.Events))
			}
		}
		if res, err := svc.Prune(ctx); err != nil || res.Entries != 0 {
			t.Errorf("Prune() again = %+v, %v; want nothing more", res, err)
		}
	})
}

// ExampleService_RecordTx shows how a service audits a change: in the
// change's own transaction.
func ExampleService_RecordTx() {
	var (
		s   *store.Store // opened by the app
		svc = audit.New(audit.Config{Store: s})
		by  = audit.Member("member-id", "Ada")
	)
	_ = func(ctx context.Context, workspaceID string) error {
		return s.InTx(ctx, func(tx *sql.Tx) error {
			// ... the change itself, in tx ...
			return svc.RecordTx(ctx, tx, workspaceID, audit.Entry{
				Action: audit.MemberRoleChanged, Actor: by,
				Target:  audit.Target{Type: audit.TargetMember, ID: "member-2", Label: "bob@example.com"},
				Details: map[string]any{"from": "member", "to": "admin"},
			})
		})
	}
	fmt.Println(audit.MemberRoleChanged.Label())
	// Output: Member role changed
}
