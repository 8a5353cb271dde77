package workflow

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/mail"
)

// SEND_EMAIL {to, cc, subject, body, replyTo}: sends a message through the
// mailer (SMTP, or kept in the outbox with EMAIL_DRIVER=log, in which case
// the output says it was not sent). to and cc are an address, a
// comma-separated list or a list. The run and step ID are the message's
// idempotency key, so a step retried after a crash does not send twice. A
// message to a person's primary email lands on that person's timeline.
type sendEmail struct{ svc *Service }

func (sendEmail) Type() string { return "SEND_EMAIL" }

func (a *sendEmail) Validate(ctx context.Context, c *Check) error {
	if a.svc.mail == nil {
		return c.Errorf("", crm.CodeInvalidValue, "email is not configured on this server")
	}
	if _, ok := c.Input("to"); !ok {
		return c.Errorf("to", crm.CodeRequired, "is required")
	}
	if _, err := c.Text("subject", true); err != nil {
		return err
	}
	if _, err := c.Text("body", false); err != nil {
		return err
	}
	_, err := c.Text("replyTo", false)
	return err
}

func (sendEmail) OutputSchema(ctx context.Context, c *Check) (*Schema, error) {
	return Object(map[string]*Schema{
		"success": Scalar(TypeBoolean), "sent": Scalar(TypeBoolean), "status": Scalar(TypeString),
		"messageId": Scalar(TypeString), "outboxId": Scalar(TypeString), "note": Scalar(TypeString),
	}), nil
}

// addresses reads a rendered address field: a string (comma-separated) or
// a list of strings.
func addresses(v any) []string {
	var out []string
	add := func(s string) {
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	switch x := v.(type) {
	case string:
		add(x)
	case []any:
		for _, e := range x {
			add(Text(e))
		}
	}
	return out
}

func (a *sendEmail) Execute(ctx context.Context, x *Exec) (*Result, error) {
	m := &mail.Message{
		WorkspaceID: x.WorkspaceID, Kind: mail.KindWorkflow,
		To: addresses(x.Input["to"]), Cc: addresses(x.Input["cc"]), ReplyTo: Text(x.Input["replyTo"]),
		Subject: Text(x.Input["subject"]), Body: Text(x.Input["body"]), IdempotencyKey: x.IdempotencyKey,
	}
	res, err := a.svc.mail.Send(ctx, m)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"success": true, "sent": res.Sent, "status": string(res.Status), "messageId": res.MessageID, "outboxId": res.ID}
	if res.Status == mail.StatusLogged {
		out["note"] = "not sent: EMAIL_DRIVER is log, the message is kept in Settings -> Email"
	}
	if !res.Duplicate {
		if err := a.svc.emailOnTimeline(ctx, x, m, res); err != nil {
			return nil, err
		}
	}
	return &Result{Output: out}, nil
}

// emailOnTimeline records the message on the timeline of every person
// whose primary email is among its recipients.
func (s *Service) emailOnTimeline(ctx context.Context, x *Exec, m *mail.Message, res *mail.Result) error {
	recipients := append(append([]string(nil), m.To...), m.Cc...)
	vals := make([]any, 0, len(recipients))
	for _, r := range recipients {
		vals = append(vals, strings.ToLower(strings.TrimSpace(r)))
	}
	schema, err := s.records.Schema(ctx, x.WorkspaceID, crm.PersonObject)
	if err != nil {
		return err
	}
	cond, err := schema.Condition("emails.primaryEmail", string(crm.OpIn), vals, false)
	if err != nil {
		return nil // not addresses a person can have
	}
	pg, err := s.records.List(ctx, x.WorkspaceID, schema, crm.ListParams{Filter: &crm.Filter{Conds: []crm.Cond{cond}}, First: crm.MaxPageSize})
	if err != nil || len(pg.Records) == 0 {
		return err
	}
	acts := make([]*crm.TimelineActivity, 0, len(pg.Records))
	for _, p := range pg.Records {
		acts = append(acts, &crm.TimelineActivity{
			WorkspaceID: x.WorkspaceID, Name: "email.sent", RecordObject: crm.ObjectPerson, RecordID: p.Meta().ID, Actor: x.Actor,
			Properties: map[string]any{"subject": m.Subject, "status": string(res.Status), "outboxId": res.ID, "workflowRunId": x.RunID,
				"summary": fmt.Sprintf("Email %q (%s)", m.Subject, res.Status.Label())},
		})
	}
	return s.store.InTx(ctx, func(tx *sql.Tx) error { return s.records.AddActivitiesTx(ctx, tx, acts) })
}
