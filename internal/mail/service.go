package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/store"
)

// Driver is how the mailer delivers.
type Driver string

// The drivers, named as in Twenty's EMAIL_DRIVER.
const (
	DriverSMTP Driver = "smtp"
	DriverLog  Driver = "log"
)

// Status is where a message of the outbox stands.
type Status string

// The statuses. Logged messages were kept by the log driver and not sent.
const (
	StatusSending Status = "sending"
	StatusSent    Status = "sent"
	StatusFailed  Status = "failed"
	StatusLogged  Status = "logged"
)

// Label is how Settings names the status.
func (s Status) Label() string {
	switch s {
	case StatusSending:
		return "Sending"
	case StatusSent:
		return "Sent"
	case StatusFailed:
		return "Failed"
	case StatusLogged:
		return "Not sent (log driver)"
	}
	return string(s)
}

// SMTP is how to reach the SMTP server.
type SMTP struct {
	Host     string
	Port     int
	User     string
	Password string
	// NoTLS speaks plain SMTP, for a local test sink. Otherwise port 465
	// uses implicit TLS and every other port requires STARTTLS.
	NoTLS bool
}

// Config wires a Service.
type Config struct {
	Store *store.Store
	// Driver is DriverLog when empty.
	Driver      Driver
	SMTP        SMTP
	FromAddress string
	FromName    string
	// Sealer seals the body of a log-driver message that holds secrets, so
	// an admin can open an unsent invite; without one the secrets are only
	// masked.
	Sealer *secret.Sealer
	// Timeout bounds one SMTP conversation (default 15 s).
	Timeout time.Duration
	Now     func() time.Time
	Logger  *slog.Logger
}

// Service sends mail and keeps the outbox. It is safe for concurrent use.
type Service struct {
	cfg Config
}

// DefaultFromAddress is used by the log driver when EMAIL_FROM_ADDRESS is
// not set; the SMTP driver requires one.
const DefaultFromAddress = "roster@localhost"

// New returns a Service.
func New(c Config) *Service {
	if c.Driver == "" {
		c.Driver = DriverLog
	}
	if c.FromAddress == "" {
		c.FromAddress = DefaultFromAddress
	}
	if c.FromName == "" {
		c.FromName = "Roster"
	}
	if c.Timeout <= 0 {
		c.Timeout = 15 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: c}
}

// Driver is the driver in use.
func (s *Service) Driver() Driver { return s.cfg.Driver }

// From is the sender as it appears on messages.
func (s *Service) From() string { return fmt.Sprintf("%s <%s>", s.cfg.FromName, s.cfg.FromAddress) }

// Result is what Send did.
type Result struct {
	// ID is the outbox entry.
	ID        string
	MessageID string
	Status    Status
	// Sent is true only when the SMTP server accepted the message.
	Sent bool
	// Duplicate reports that the idempotency key matched an earlier
	// message and nothing new was sent.
	Duplicate bool
}

func (s *Service) clock() time.Time { return s.cfg.Now().UTC().Truncate(time.Microsecond) }

// Send validates m, records it in the outbox and, with the SMTP driver,
// sends it. Bad input is a crm.ErrInvalid naming the field, and nothing is
// stored. An SMTP failure is returned as an error together with a Result
// whose Status is StatusFailed (the outbox says why); sending again with the
// same IdempotencyKey retries that message.
func (s *Service) Send(ctx context.Context, m *Message) (*Result, error) {
	c, err := m.validate()
	if err != nil {
		return nil, err
	}
	now := s.clock()
	e := &store.OutboxEmail{
		WorkspaceID: m.WorkspaceID, Kind: string(m.Kind), Driver: string(s.cfg.Driver), Status: string(StatusSending),
		FromAddress: s.From(), ToAddresses: strings.Join(c.to, ", "), CcAddresses: strings.Join(c.cc, ", "), ReplyTo: c.replyTo,
		Subject: m.Subject, Body: masked(m.Body, m.Secrets), MessageID: s.messageID(),
	}
	if m.IdempotencyKey != "" {
		e.IdempotencyKey = &m.IdempotencyKey
	}
	if s.cfg.Driver == DriverLog {
		e.Status = string(StatusLogged)
		if e.SealedBody, err = s.seal(m); err != nil {
			return nil, err
		}
	}
	e, created, err := s.cfg.Store.OutboxEmailCreate(ctx, &store.OutboxEmailCreateParams{Email: e, Now: now})
	if err != nil {
		return nil, fmt.Errorf("mail: send: %w", err)
	}
	res := &Result{ID: e.ID, MessageID: e.MessageID, Status: Status(e.Status), Sent: e.Status == string(StatusSent)}
	if !created {
		res.Duplicate = true
		retry, err := s.claimRetry(ctx, e, now)
		if err != nil || !retry {
			return res, err
		}
		res.Duplicate, res.Status = false, StatusSending
	}
	if s.cfg.Driver == DriverLog {
		s.cfg.Logger.InfoContext(ctx, "email kept in the outbox, not sent (EMAIL_DRIVER=log)",
			"workspace_id", e.WorkspaceID, "outbox_id", e.ID, "kind", e.Kind)
		return res, nil
	}
	sendErr := s.sendSMTP(ctx, m, c, e.MessageID)
	res.Status, res.Sent = StatusSent, sendErr == nil
	errText := ""
	if sendErr != nil {
		res.Status, errText = StatusFailed, sendErr.Error()
	}
	// The outcome is recorded even when the caller's context has ended.
	if _, err := s.cfg.Store.OutboxEmailSetStatus(context.WithoutCancel(ctx), &store.OutboxEmailSetStatusParams{
		WorkspaceID: e.WorkspaceID, ID: e.ID, Status: string(res.Status), Error: errText, Now: s.clock()}); err != nil {
		return res, fmt.Errorf("mail: send: record outcome: %w", errors.Join(sendErr, err))
	}
	if sendErr != nil {
		return res, fmt.Errorf("mail: send: %w", sendErr)
	}
	return res, nil
}

// claimRetry decides whether a Send that found an earlier message under its
// idempotency key sends that message again, and claims it if so: an SMTP
// message that failed, or that has been "sending" for longer than a send can
// take (the process died mid-send; the receiver can drop a duplicate by its
// Message-ID and Idempotency-Key). Of two concurrent retries one wins; the
// other reports the message as it found it.
func (s *Service) claimRetry(ctx context.Context, e *store.OutboxEmail, now time.Time) (bool, error) {
	if e.Driver != string(DriverSMTP) || s.cfg.Driver != DriverSMTP {
		return false, nil
	}
	p := &store.OutboxEmailSetStatusParams{WorkspaceID: e.WorkspaceID, ID: e.ID, Status: string(StatusSending), From: e.Status, Now: now}
	switch Status(e.Status) {
	case StatusFailed:
	case StatusSending:
		stale := now.Add(-s.staleAfter())
		if !e.UpdatedAt.Before(stale) {
			return false, nil
		}
		p.UpdatedBefore = &stale
	default:
		return false, nil
	}
	won, err := s.cfg.Store.OutboxEmailSetStatus(ctx, p)
	if err != nil {
		return false, fmt.Errorf("mail: send: %w", err)
	}
	return won, nil
}

// staleAfter is how long a message may stay "sending" before a retry takes
// it over: well past the longest SMTP conversation.
func (s *Service) staleAfter() time.Duration { return 2 * s.cfg.Timeout }

// messageID is a new globally unique Message-ID (without angle brackets),
// in the sender's domain.
func (s *Service) messageID() string {
	domain := "localhost"
	if i := strings.LastIndexByte(s.cfg.FromAddress, '@'); i >= 0 {
		domain = s.cfg.FromAddress[i+1:]
	}
	return crm.NewID() + "@" + domain
}

// sealedAD binds a sealed body to its workspace's outbox, so it cannot be
// pasted into another sealed column or another workspace's message.
func sealedAD(workspaceID string) []byte { return []byte("email_outbox.sealed_body:" + workspaceID) }

// seal returns m's whole body sealed for the outbox, or nil when it holds
// no secret (the stored body is complete) or there is no sealer.
func (s *Service) seal(m *Message) (*string, error) {
	if len(m.Secrets) == 0 || s.cfg.Sealer == nil {
		return nil, nil
	}
	sealed, err := s.cfg.Sealer.Seal([]byte(m.Body), sealedAD(m.WorkspaceID))
	if err != nil {
		return nil, fmt.Errorf("mail: seal body: %w", err)
	}
	return &sealed, nil
}

// Server describes the SMTP server in use for Settings, e.g.
// "smtp.example.com:587 (STARTTLS, signed in as crm)"; empty with the log
// driver. It never includes the password.
func (s *Service) Server() string {
	if s.cfg.Driver != DriverSMTP {
		return ""
	}
	c := s.cfg.SMTP
	tls := "STARTTLS required"
	switch {
	case c.NoTLS:
		tls = "no TLS"
	case c.Port == 465:
		tls = "TLS"
	}
	out := fmt.Sprintf("%s:%d (%s", c.Host, c.Port, tls)
	if c.User != "" {
		out += ", signed in as " + c.User
	}
	return out + ")"
}
