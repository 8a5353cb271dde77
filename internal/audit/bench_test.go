package audit_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// benchEntries is the size of the log the reads run over: a busy workspace's
// 400 days (about 250 entries a day), beside a second workspace as big.
const benchEntries = 100_000

// BenchmarkAuditLog measures the log's reads over 100,000 entries per
// workspace (two workspaces): the first page, one page filtered by a rare
// action, by an actor and by a month, a page deep in the log by cursor, the
// total of a filter, the actors the page's filter offers, and recording
// one entry in its own transaction.
//
//	go test -run '^$' -bench AuditLog ./internal/audit/
func BenchmarkAuditLog(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchAuditOn(b, storetest.NewSQLite(b)) })
	b.Run("postgres", func(b *testing.B) {
		if !storetest.PostgresEnabled(b) {
			b.Skip(storetest.NotRunning)
		}
		benchAuditOn(b, storetest.NewPostgres(b))
	})
}

func benchAuditOn(b *testing.B, s *store.Store) {
	ctx := context.Background()
	svc, c, ws, other := newEnv(b, s)
	start := c.t.Add(-audit.Retention)
	actions := []audit.Action{audit.ExportCSV, audit.WhopSyncFinished, audit.WhopWebhookRejected, audit.SignInNewPlace, audit.MemberRoleChanged}
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		for _, w := range []string{ws, other} {
			for i := range benchEntries {
				// One entry in 1,000 is a role change; the rest spread over
				// four common actions and 20 actors.
				a := actions[i%4]
				if i%1000 == 0 {
					a = audit.MemberRoleChanged
				}
				actorID := fmt.Sprintf("member-%02d", i%20)
				err := s.AuditInsert(ctx, tx, &store.AuditEntry{ID: crm.NewID(), WorkspaceID: w, At: start.Add(time.Duration(i) * 5 * time.Minute),
					Action: string(a), ActorKind: "member", ActorID: &actorID, ActorName: "Member", Details: map[string]any{"n": i}, IP: "203.0.113.1"})
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if s.Dialect == store.Postgres {
		if _, err := s.Write.ExecContext(ctx, "ANALYZE audit_log"); err != nil {
			b.Fatal(err)
		}
	}
	deep := list(b, svc, ws, audit.ListParams{First: 200})
	for range 200 { // 40,000 entries in
		deep = list(b, svc, ws, audit.ListParams{First: 200, After: deep.Cursors[len(deep.Cursors)-1]})
	}
	month := start.Add(200 * 24 * time.Hour)
	until := month.Add(30 * 24 * time.Hour)
	reads := []struct {
		name string
		p    audit.ListParams
	}{
		{"first page", audit.ListParams{First: 50}},
		{"rare action", audit.ListParams{First: 50, Filter: audit.Filter{Actions: []audit.Action{audit.MemberRoleChanged}}}},
		{"one actor", audit.ListParams{First: 50, Filter: audit.Filter{ActorID: "member-07"}}},
		{"one month", audit.ListParams{First: 50, Filter: audit.Filter{Since: &month, Until: &until}}},
		{"deep cursor", audit.ListParams{First: 50, After: deep.Cursors[len(deep.Cursors)-1]}},
		{"rare action with total", audit.ListParams{First: 50, WithTotal: true, Filter: audit.Filter{Actions: []audit.Action{audit.MemberRoleChanged}}}},
		{"all with total", audit.ListParams{First: 50, WithTotal: true}},
	}
	for _, r := range reads {
		b.Run(r.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.List(ctx, ws, r.p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("actors", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Actors(ctx, ws); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("record", func(b *testing.B) {
		for b.Loop() {
			err := s.InTx(ctx, func(tx *sql.Tx) error {
				return svc.RecordTx(ctx, tx, ws, audit.Entry{Action: audit.ExportCSV, Actor: admin, Details: map[string]any{"rows": 1}})
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
