package mail

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/roster-crm/roster/internal/crm"
)

// Kind says what a message is for, so the outbox can tell invites, resets
// and workflow mail apart.
type Kind string

// The kinds of message Roster sends.
const (
	KindInvite        Kind = "invite"
	KindPasswordReset Kind = "password_reset"
	KindWorkflow      Kind = "workflow"
	// KindWebhook is a notice about an outgoing webhook (disabled after
	// failing for days).
	KindWebhook Kind = "webhook"
	// KindContract is a signing invitation, reminder or notice about a
	// contract.
	KindContract Kind = "contract"
)

// Limits of one message; a message over them is refused before anything is
// stored or sent.
const (
	MaxRecipients        = 50
	MaxSubjectLength     = 998 // RFC 5322's line limit
	MaxBodyBytes         = 1 << 20
	MaxIdempotencyKeyLen = 200
)

// Message is one email to send. Body is plain text with a little markdown
// (blank-line paragraphs, [text](url) links); the HTML part is rendered
// from it by RenderHTML, never by a template engine.
type Message struct {
	// WorkspaceID is whose outbox keeps the message.
	WorkspaceID string
	Kind        Kind
	To          []string
	Cc          []string
	ReplyTo     string
	Subject     string
	Body        string
	// IdempotencyKey, when set, makes Send do its work once per workspace
	// and key: a second Send with the same key returns the first result.
	// Workflow steps pass "runId:stepId". It also travels as the message's
	// Idempotency-Key header so receivers can drop duplicates.
	IdempotencyKey string
	// Secrets are substrings of Body that work as credentials (an invite
	// link's token). The outbox stores Body with them masked.
	Secrets []string
}

// checked is a validated message: addresses parsed and normalised.
type checked struct {
	to, cc  []string
	replyTo string
}

// validate checks m and names the first wrong field, as crm.ErrInvalid.
func (m *Message) validate() (*checked, error) {
	if m.WorkspaceID == "" {
		return nil, crm.Invalid("workspaceId", crm.CodeRequired, "is required")
	}
	switch m.Kind {
	case KindInvite, KindPasswordReset, KindWorkflow, KindWebhook, KindContract:
	default:
		return nil, crm.Invalid("kind", crm.CodeInvalidEnum, "unknown message kind %q", m.Kind)
	}
	c := &checked{}
	var err error
	if len(m.To) == 0 {
		return nil, crm.Invalid("to", crm.CodeRequired, "at least one recipient is required")
	}
	if len(m.To)+len(m.Cc) > MaxRecipients {
		return nil, crm.Invalid("to", crm.CodeInvalidValue, "at most %d recipients (to and cc together)", MaxRecipients)
	}
	if c.to, err = addressList("to", m.To); err != nil {
		return nil, err
	}
	if c.cc, err = addressList("cc", m.Cc); err != nil {
		return nil, err
	}
	if strings.TrimSpace(m.ReplyTo) != "" {
		if c.replyTo, err = address("replyTo", m.ReplyTo); err != nil {
			return nil, err
		}
	}
	switch {
	case strings.TrimSpace(m.Subject) == "":
		return nil, crm.Invalid("subject", crm.CodeRequired, "is required")
	case strings.ContainsAny(m.Subject, "\r\n"):
		return nil, crm.Invalid("subject", crm.CodeInvalidValue, "must be one line")
	case utf8.RuneCountInString(m.Subject) > MaxSubjectLength:
		return nil, crm.Invalid("subject", crm.CodeInvalidValue, "must be at most %d characters", MaxSubjectLength)
	case !utf8.ValidString(m.Subject) || !utf8.ValidString(m.Body):
		return nil, crm.Invalid("body", crm.CodeInvalidValue, "must be valid UTF-8")
	case len(m.Body) > MaxBodyBytes:
		return nil, crm.Invalid("body", crm.CodeInvalidValue, "must be at most %d bytes", MaxBodyBytes)
	}
	if k := m.IdempotencyKey; len(k) > MaxIdempotencyKeyLen || strings.IndexFunc(k, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
		return nil, crm.Invalid("idempotencyKey", crm.CodeInvalidValue, "must be at most %d printable ASCII characters without spaces", MaxIdempotencyKeyLen)
	}
	return c, nil
}

func addressList(field string, in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for i, a := range in {
		addr, err := address(fmt.Sprintf("%s[%d]", field, i), a)
		if err != nil {
			return nil, err
		}
		out = append(out, addr)
	}
	return out, nil
}

// address accepts "a@b.c" or "Name <a@b.c>" and returns the bare address,
// lower-cased domain and all: the display name is not sent, so a name typed
// into a workflow cannot smuggle header text.
func address(field, s string) (string, error) {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil || !strings.Contains(a.Address, "@") {
		return "", crm.Invalid(field, crm.CodeInvalidValue, "%q is not an email address", s)
	}
	return strings.ToLower(a.Address), nil
}

// masked is body with every secret replaced, for the stored copy.
func masked(body string, secrets []string) string {
	for _, s := range secrets {
		if s != "" {
			body = strings.ReplaceAll(body, s, SecretMask)
		}
	}
	return body
}

// SecretMask stands in for a secret in a stored message body.
const SecretMask = "[hidden]"

// Label is how Settings names the kind.
func (k Kind) Label() string {
	switch k {
	case KindInvite:
		return "Invite"
	case KindPasswordReset:
		return "Password reset"
	case KindWorkflow:
		return "Workflow"
	case KindWebhook:
		return "Webhook notice"
	case KindContract:
		return "Contract"
	}
	return string(k)
}
