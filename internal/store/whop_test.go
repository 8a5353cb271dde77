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

func TestWhopConnectionAndSyncRuns(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, b := storetest.NewWorkspace(t, s, "A"), storetest.NewWorkspace(t, s, "B")
		now := time.Now().UTC().Truncate(time.Millisecond)
		conn := &store.WhopConnection{WorkspaceID: a, Method: "api_key", CompanyID: "biz_1", AccessTokenSealed: "v1:k:x",
			StageMapping: map[string]string{"active": "CUSTOMER"}, CreatedAt: now, UpdatedAt: now}
		if err := s.InTx(ctx, func(tx *sql.Tx) error { return s.WhopConnectionSave(ctx, tx, conn) }); err != nil {
			t.Fatal(err)
		}
		got, err := s.WhopConnectionByCompany(ctx, "biz_1")
		if err != nil || got.WorkspaceID != a || got.StageMapping["active"] != "CUSTOMER" {
			t.Fatalf("WhopConnectionByCompany() = %+v, %v", got, err)
		}
		other := *conn
		other.WorkspaceID = b
		err = s.InTx(ctx, func(tx *sql.Tx) error { return s.WhopConnectionSave(ctx, tx, &other) })
		if !errors.Is(err, crm.ErrConflict) {
			t.Fatalf("second workspace on the same company: %v; want conflict", err)
		}
		if _, err := s.WhopConnectionGet(ctx, nil, b); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("WhopConnectionGet(b) = %v; want not found", err)
		}
		run := &store.WhopSyncRun{ID: "01", WorkspaceID: a, Kind: "full", Status: store.SyncQueued, CreatedAt: now}
		if err := s.InTx(ctx, func(tx *sql.Tx) error { return s.WhopSyncRunCreate(ctx, tx, run) }); err != nil {
			t.Fatal(err)
		}
		second := &store.WhopSyncRun{ID: "02", WorkspaceID: a, Kind: "full", Status: store.SyncQueued, CreatedAt: now}
		if err := s.InTx(ctx, func(tx *sql.Tx) error { return s.WhopSyncRunCreate(ctx, tx, second) }); !errors.Is(err, crm.ErrConflict) {
			t.Fatalf("second active run: %v; want conflict", err)
		}
		run.Status, run.Phase, run.MembershipsCount, run.Errors, run.UpdatedAt = store.SyncSucceeded, "done", 7, []string{"x"}, now
		if err := s.WhopSyncRunSave(ctx, s.Write, run); err != nil {
			t.Fatal(err)
		}
		if act, _ := s.WhopSyncRunActive(ctx, nil, a); act != nil {
			t.Fatalf("active run after success = %+v; want none", act)
		}
		if _, err := s.WhopSyncRunGet(ctx, nil, b, "01"); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("another workspace's run: %v; want not found", err)
		}
		latest, err := s.WhopSyncRunLatest(ctx, a)
		if err != nil || latest.MembershipsCount != 7 || len(latest.Errors) != 1 {
			t.Fatalf("WhopSyncRunLatest() = %+v, %v", latest, err)
		}
	})
}

func TestWhopInboxAndUpserts(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := storetest.NewWorkspace(t, s, "A")
		now := time.Now().UTC()
		ev := &store.WhopInboxEvent{ID: "e1", WorkspaceID: a, WebhookID: "msg_1", EventType: "payment.succeeded", Payload: []byte(`{"a":1}`), Status: store.InboxPending, ReceivedAt: now}
		for i, want := range []bool{true, false} {
			var fresh bool
			err := s.InTx(ctx, func(tx *sql.Tx) error {
				e := *ev
				e.ID = []string{"e1", "e2"}[i]
				var err error
				fresh, err = s.WhopInboxInsert(ctx, tx, &e)
				return err
			})
			if err != nil || fresh != want {
				t.Fatalf("insert %d: fresh = %v, %v; want %v", i, fresh, err, want)
			}
		}
		// Insert, then replace: the second upsert of the same Whop ID updates
		// the row in place.
		p := &store.WhopPayment{WorkspaceID: a, WhopID: "pay_1", Status: "open", Substatus: "failed", Data: []byte(`{"id":"pay_1","total":25}`)}
		q := &store.WhopPayment{WorkspaceID: a, WhopID: "pay_2", Status: "paid", Data: []byte(`{"id":"pay_2"}`)}
		for _, rows := range [][]*store.WhopPayment{{p, q}, {{WorkspaceID: a, WhopID: "pay_1", Status: "paid", Data: []byte(`{"id":"pay_1","total":30}`)}}} {
			if err := s.InTx(ctx, func(tx *sql.Tx) error { return s.WhopPaymentUpsertMany(ctx, tx, rows, now) }); err != nil {
				t.Fatal(err)
			}
		}
		all, err := s.WhopPaymentsByIDs(ctx, nil, a, []string{"pay_1", "pay_2", "pay_3"})
		if err != nil || len(all) != 2 || all["pay_2"].Status != "paid" {
			t.Fatalf("WhopPaymentsByIDs() = %v, %v; want pay_1 and pay_2", all, err)
		}
		got, err := s.WhopPaymentGet(ctx, nil, a, "pay_1")
		if err != nil || got == nil || got.Status != "paid" {
			t.Fatalf("WhopPaymentGet() = %+v, %v", got, err)
		}
	})
}
