package mail

import (
	"context"
	"fmt"

	gomail "github.com/wneessen/go-mail"
)

// IdempotencyHeader carries Message.IdempotencyKey, so a receiver (or a
// relay that deduplicates) can tell a retried step's message from a new one.
const IdempotencyHeader = "Idempotency-Key"

// sendSMTP holds one SMTP conversation for one message. The error never
// contains the password: go-mail reports the server's answer, not the
// credentials.
func (s *Service) sendSMTP(ctx context.Context, m *Message, c *checked, messageID string) error {
	msg := gomail.NewMsg()
	if err := msg.FromFormat(s.cfg.FromName, s.cfg.FromAddress); err != nil {
		return fmt.Errorf("from address: %w", err)
	}
	if err := msg.To(c.to...); err != nil {
		return fmt.Errorf("to: %w", err)
	}
	if len(c.cc) > 0 {
		if err := msg.Cc(c.cc...); err != nil {
			return fmt.Errorf("cc: %w", err)
		}
	}
	if c.replyTo != "" {
		if err := msg.ReplyTo(c.replyTo); err != nil {
			return fmt.Errorf("reply-to: %w", err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(messageID)
	msg.SetDateWithValue(s.cfg.Now())
	msg.SetUserAgent("Roster")
	if m.IdempotencyKey != "" {
		msg.SetGenHeader(gomail.Header(IdempotencyHeader), m.IdempotencyKey)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	msg.AddAlternativeString(gomail.TypeTextHTML, RenderHTML(m.Body))

	client, err := gomail.NewClient(s.cfg.SMTP.Host, s.clientOptions()...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp %s:%d: %w", s.cfg.SMTP.Host, s.cfg.SMTP.Port, err)
	}
	return nil
}

func (s *Service) clientOptions() []gomail.Option {
	c := s.cfg.SMTP
	opts := []gomail.Option{gomail.WithPort(c.Port), gomail.WithTimeout(s.cfg.Timeout)}
	switch {
	case c.NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case c.Port == 465:
		opts = append(opts, gomail.WithSSL())
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if c.User != "" {
		// Over TLS the client picks the best mechanism the server offers.
		// Without TLS only PLAIN is tried, and go-mail sends it only to
		// localhost: a password never crosses the network in clear text.
		auth := gomail.SMTPAuthAutoDiscover
		if c.NoTLS {
			auth = gomail.SMTPAuthPlain
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(c.User), gomail.WithPassword(c.Password))
	}
	return opts
}
