package mail_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/roster-crm/roster/internal/crm"
	rmail "github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/mail/mailtest"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func newWorkspace(t *testing.T, s *store.Store, name string) string {
	t.Helper()
	ctx := context.Background()
	var id string
	if err := s.InTx(ctx, func(tx *sql.Tx) error {
		ws, err := s.WorkspaceCreate(ctx, tx, &store.WorkspaceCreateParams{Name: name, Now: time.Now()})
		if ws != nil {
			id = ws.ID
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

func smtpMailer(s *store.Store, sink *mailtest.Sink) *rmail.Service {
	return rmail.New(rmail.Config{Store: s, Driver: rmail.DriverSMTP, FromAddress: "crm@acme.test", FromName: "Acme CRM",
		SMTP: rmail.SMTP{Host: sink.Host, Port: sink.Port, User: sink.User, Password: sink.Password, NoTLS: true}})
}

func newSealer(t *testing.T) *secret.Sealer {
	t.Helper()
	sl, err := secret.NewSealer(secret.Key{Bytes: []byte(strings.Repeat("k", secret.KeySize))})
	if err != nil {
		t.Fatal(err)
	}
	return sl
}

// parts splits a received multipart/alternative message into its text and
// HTML bodies.
func parts(t *testing.T, r mailtest.Received) (text, html string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(string(r.Data)))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %q, %v; want multipart/alternative", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return text, html
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(decode(p))
		switch ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct {
		case "text/plain":
			text = string(b)
		case "text/html":
			html = string(b)
		}
	}
}

// decode undoes the part's transfer encoding (quoted-printable is undone
// by multipart itself).
func decode(p *multipart.Part) io.Reader {
	if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
		return base64Reader(p)
	}
	return p
}

func TestSendSMTP(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ws := newWorkspace(t, s, "Acme")
		sink := mailtest.Start(t, "mailer", "s3cret-pass")
		m := smtpMailer(s, sink)
		res, err := m.Send(ctx, &rmail.Message{WorkspaceID: ws, Kind: rmail.KindWorkflow, To: []string{"Bea <Bea@Example.COM>"}, Cc: []string{"cc@example.com"},
			ReplyTo: "help@acme.test", Subject: "Welcome, Bea", Body: "Hello <b>Bea</b>,\n\nsee [your plan](https://acme.test/plan?a=1&b=2).",
			IdempotencyKey: "run-1:step-1"})
		if err != nil {
			t.Fatalf("Send() error = %v", err)
		}
		if !res.Sent || res.Status != rmail.StatusSent || res.Duplicate {
			t.Fatalf("Send() = %+v; want sent", res)
		}
		got := sink.Messages()
		if len(got) != 1 {
			t.Fatalf("sink holds %d messages; want 1", len(got))
		}
		r := got[0]
		if r.From != "crm@acme.test" || strings.Join(r.To, ",") != "bea@example.com,cc@example.com" {
			t.Errorf("envelope = %s -> %v; want crm@acme.test -> bea@example.com, cc@example.com", r.From, r.To)
		}
		h := r.Header
		for name, want := range map[string]string{
			"Subject": "Welcome, Bea", "To": "<bea@example.com>", "Cc": "<cc@example.com>", "Reply-To": "<help@acme.test>",
			"From": `"Acme CRM" <crm@acme.test>`, "Message-Id": "<" + res.MessageID + ">", rmail.IdempotencyHeader: "run-1:step-1",
		} {
			if h.Get(name) != want {
				t.Errorf("header %s = %q; want %q", name, h.Get(name), want)
			}
		}
		if !strings.HasSuffix(res.MessageID, "@acme.test") {
			t.Errorf("MessageID = %q; want one in the sender's domain", res.MessageID)
		}
		text, html := parts(t, r)
		if !strings.Contains(text, "Hello <b>Bea</b>") {
			t.Errorf("text part = %q; want the body as written", text)
		}
		if !strings.Contains(html, "Hello &lt;b&gt;Bea&lt;/b&gt;") || !strings.Contains(html, `<a href="https://acme.test/plan?a=1&amp;b=2">your plan</a>`) {
			t.Errorf("html part = %q; want escaped text and the link", html)
		}
		e, err := m.Get(ctx, ws, res.ID)
		if err != nil || e.Status != rmail.StatusSent || e.Error != "" || e.IdempotencyKey != "run-1:step-1" || e.To[0] != "bea@example.com" {
			t.Fatalf("outbox entry = %+v, %v; want sent", e, err)
		}

		// The same key again: the first result, nothing sent twice.
		again, err := m.Send(ctx, &rmail.Message{WorkspaceID: ws, Kind: rmail.KindWorkflow, To: []string{"bea@example.com"}, Subject: "Welcome, Bea", Body: "x", IdempotencyKey: "run-1:step-1"})
		if err != nil || !again.Duplicate || again.ID != res.ID || !again.Sent {
			t.Fatalf("Send() with the same key = %+v, %v; want the first message", again, err)
		}
		if n := len(sink.Messages()); n != 1 {
			t.Errorf("sink holds %d messages after a duplicate; want 1", n)
		}
	})
}

func TestSendSMTPFailureAndRetry(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ws := newWorkspace(t, s, "Acme")
		sink := mailtest.Start(t, "", "")
		m := smtpMailer(s, sink)
		sink.RejectRecipients(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"})
		msg := &rmail.Message{WorkspaceID: ws, Kind: rmail.KindWorkflow, To: []string{"gone@example.com"}, Subject: "Hi", Body: "Hi", IdempotencyKey: "run-2:step-1"}
		res, err := m.Send(ctx, msg)
		if err == nil || res == nil || res.Status != rmail.StatusFailed || res.Sent {
			t.Fatalf("Send() to a rejected recipient = %+v, %v; want failed with an error", res, err)
		}
		e, _ := m.Get(ctx, ws, res.ID)
		if e.Status != rmail.StatusFailed || !strings.Contains(e.Error, "no such mailbox") {
			t.Fatalf("outbox entry = %s %q; want failed with the server's answer", e.Status, e.Error)
		}
		// A retry with the same key sends the same message once it works.
		sink.RejectRecipients(nil)
		again, err := m.Send(ctx, msg)
		if err != nil || again.ID != res.ID || !again.Sent || again.Duplicate {
			t.Fatalf("retry = %+v, %v; want the first entry sent", again, err)
		}
		if got := sink.Messages(); len(got) != 1 || got[0].Header.Get("Message-Id") != "<"+res.MessageID+">" {
			t.Fatalf("sink = %d messages; want 1 with the first Message-ID", len(got))
		}
		if e, _ := m.Get(ctx, ws, res.ID); e.Status != rmail.StatusSent || e.Error != "" {
			t.Errorf("outbox entry after retry = %s %q; want sent, no error", e.Status, e.Error)
		}
	})
}

func TestSendSMTPWrongPasswordIsNotRecorded(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ws := newWorkspace(t, s, "Acme")
		sink := mailtest.Start(t, "mailer", "right-password")
		m := rmail.New(rmail.Config{Store: s, Driver: rmail.DriverSMTP, FromAddress: "crm@acme.test",
			SMTP: rmail.SMTP{Host: sink.Host, Port: sink.Port, User: "mailer", Password: "wrong-password-xyz", NoTLS: true}})
		res, err := m.Send(ctx, &rmail.Message{WorkspaceID: ws, Kind: rmail.KindWorkflow, To: []string{"a@example.com"}, Subject: "Hi", Body: "Hi"})
		if err == nil || res.Status != rmail.StatusFailed {
			t.Fatalf("Send() with a wrong password = %+v, %v; want failed", res, err)
		}
		e, _ := m.Get(ctx, ws, res.ID)
		if strings.Contains(e.Error, "wrong-password-xyz") || strings.Contains(err.Error(), "wrong-password-xyz") || e.Error == "" {
			t.Errorf("error = %q / %v; want the failure without the password", e.Error, err)
		}
		if len(sink.Messages()) != 0 {
			t.Error("the sink accepted a message without authentication")
		}
	})
}

func TestLogDriverKeepsMessagesInTheOutbox(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ws, other := newWorkspace(t, s, "Acme"), newWorkspace(t, s, "Other")
		m := rmail.New(rmail.Config{Store: s, Sealer: newSealer(t)})
		if m.Driver() != rmail.DriverLog {
			t.Fatalf("Driver() = %q; want log by default", m.Driver())
		}
		link := "https://roster.test/invite/SECRETTOKEN123"
		res, err := m.Send(ctx, &rmail.Message{WorkspaceID: ws, Kind: rmail.KindInvite, To: []string{"bob@example.com"}, Subject: "Join Acme",
			Body: "Join here: " + link, Secrets: []string{"SECRETTOKEN123"}})
		if err != nil || res.Sent || res.Status != rmail.StatusLogged {
			t.Fatalf("Send() = %+v, %v; want kept, not sent", res, err)
		}
		list, err := m.List(ctx, ws)
		if err != nil || len(list) != 1 || list[0].Subject != "Join Acme" || list[0].Status != rmail.StatusLogged {
			t.Fatalf("List() = %v, %v; want the message", list, err)
		}
		if strings.Contains(list[0].Body, "SECRETTOKEN123") || !strings.Contains(list[0].Body, rmail.SecretMask) {
			t.Errorf("listed body = %q; want the token masked", list[0].Body)
		}
		var stored string
		if err := s.Read.QueryRowContext(ctx, `SELECT body || coalesce(sealed_body, '') FROM email_outbox WHERE id = $1`, res.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stored, "SECRETTOKEN123") {
			t.Error("the token is stored in plain text")
		}
		e, err := m.Get(ctx, ws, res.ID)
		if err != nil || !e.Revealed || !strings.Contains(e.Body, link) {
			t.Fatalf("Get() = %+v, %v; want the whole body for the admin", e, err)
		}
		if _, err := m.Get(ctx, other, res.ID); !errors.Is(err, crm.ErrNotFound) {
			t.Errorf("Get() from another workspace = %v; want not found", err)
		}
		if list, _ := m.List(ctx, other); len(list) != 0 {
			t.Errorf("another workspace lists %d messages; want 0", len(list))
		}
		// Without a sealer the secret is masked and cannot be opened.
		plain := rmail.New(rmail.Config{Store: s})
		res, _ = plain.Send(ctx, &rmail.Message{WorkspaceID: ws, Kind: rmail.KindInvite, To: []string{"c@example.com"}, Subject: "Join", Body: link, Secrets: []string{"SECRETTOKEN123"}})
		if e, _ := plain.Get(ctx, ws, res.ID); e.Revealed || strings.Contains(e.Body, "SECRETTOKEN123") {
			t.Errorf("Get() without a sealer = %q; want masked", e.Body)
		}
	})
}

func TestSendRejectsBadInput(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ws := newWorkspace(t, s, "Acme")
		m := rmail.New(rmail.Config{Store: s})
		ok := rmail.Message{WorkspaceID: ws, Kind: rmail.KindWorkflow, To: []string{"a@example.com"}, Subject: "Hi", Body: "Hi"}
		many := make([]string, rmail.MaxRecipients+1)
		for i := range many {
			many[i] = "a@example.com"
		}
		for _, tc := range []struct {
			field string
			edit  func(m *rmail.Message)
		}{
			{"to", func(m *rmail.Message) { m.To = nil }},
			{"to[0]", func(m *rmail.Message) { m.To = []string{"not an address"} }},
			{"to", func(m *rmail.Message) { m.To = many }},
			{"cc[1]", func(m *rmail.Message) { m.Cc = []string{"b@example.com", "nope"} }},
			{"replyTo", func(m *rmail.Message) { m.ReplyTo = "x@" }},
			{"subject", func(m *rmail.Message) { m.Subject = " " }},
			{"subject", func(m *rmail.Message) { m.Subject = "Hi\r\nBcc: evil@example.com" }},
			{"body", func(m *rmail.Message) { m.Body = strings.Repeat("x", rmail.MaxBodyBytes+1) }},
			{"idempotencyKey", func(m *rmail.Message) { m.IdempotencyKey = "run 1" }},
			{"kind", func(m *rmail.Message) { m.Kind = "spam" }},
			{"workspaceId", func(m *rmail.Message) { m.WorkspaceID = "" }},
		} {
			t.Run(tc.field, func(t *testing.T) {
				msg := ok
				tc.edit(&msg)
				_, err := m.Send(ctx, &msg)
				e, isCRM := crm.AsError(err)
				if !errors.Is(err, crm.ErrInvalid) || !isCRM || e.Field != tc.field {
					t.Fatalf("Send() error = %v; want invalid on %q", err, tc.field)
				}
			})
		}
		if list, _ := m.List(ctx, ws); len(list) != 0 {
			t.Errorf("outbox holds %d messages after bad input; want 0", len(list))
		}
	})
}
