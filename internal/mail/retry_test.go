package mail_test

import (
	"context"
	"testing"
	"time"

	rmail "github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/mail/mailtest"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestSendResumesAMessageStuckSending is the crash case: a process died
// between claiming a message and recording the SMTP answer, leaving it
// "sending". A retry with the same key leaves it alone while a send could
// still be under way, and sends it (under its first Message-ID) once that
// time has passed.
func TestSendResumesAMessageStuckSending(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ws := newWorkspace(t, s, "Acme")
		sink := mailtest.Start(t, "", "")
		start := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
		now := start
		m := rmail.New(rmail.Config{Store: s, Driver: rmail.DriverSMTP, FromAddress: "crm@acme.test", Timeout: 10 * time.Second,
			Now: func() time.Time { return now }, SMTP: rmail.SMTP{Host: sink.Host, Port: sink.Port, NoTLS: true}})
		key := "run-3:step-1"
		stuck, created, err := s.OutboxEmailCreate(ctx, &store.OutboxEmailCreateParams{Now: start, Email: &store.OutboxEmail{
			WorkspaceID: ws, Kind: "workflow", Driver: "smtp", Status: "sending", FromAddress: "crm@acme.test", ToAddresses: "a@example.com",
			Subject: "Hi", Body: "Hi", MessageID: "first@acme.test", IdempotencyKey: &key}})
		if err != nil || !created {
			t.Fatal(created, err)
		}
		msg := &rmail.Message{WorkspaceID: ws, Kind: rmail.KindWorkflow, To: []string{"a@example.com"}, Subject: "Hi", Body: "Hi", IdempotencyKey: key}

		now = start.Add(5 * time.Second)
		res, err := m.Send(ctx, msg)
		if err != nil || !res.Duplicate || res.Status != rmail.StatusSending || res.ID != stuck.ID {
			t.Fatalf("Send() while a send may be under way = %+v, %v; want the message as it is", res, err)
		}
		if n := len(sink.Messages()); n != 0 {
			t.Fatalf("sink holds %d messages; want 0 while the first send may still finish", n)
		}

		now = start.Add(time.Minute)
		res, err = m.Send(ctx, msg)
		if err != nil || res.Duplicate || !res.Sent || res.ID != stuck.ID {
			t.Fatalf("Send() after the stale time = %+v, %v; want the stuck message sent", res, err)
		}
		got := sink.Messages()
		if len(got) != 1 || got[0].Header.Get("Message-Id") != "<first@acme.test>" || got[0].Header.Get(rmail.IdempotencyHeader) != key {
			t.Fatalf("sink = %d messages; want 1 with the first Message-ID and the key", len(got))
		}
		again, err := m.Send(ctx, msg)
		if err != nil || !again.Duplicate || !again.Sent || len(sink.Messages()) != 1 {
			t.Fatalf("Send() once sent = %+v, %v; want the sent message, nothing new", again, err)
		}
	})
}
