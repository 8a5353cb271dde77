package whopsync

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/netip"
	"net/textproto"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/whop"
)

// MaxWebhookBytes caps a webhook body; Whop's events are a few kilobytes.
const MaxWebhookBytes = 1 << 20

// ErrWebhookTooLarge refuses a body over MaxWebhookBytes; a surface that
// stops reading at the cap answers with it too.
var ErrWebhookTooLarge error = &crm.Error{Cause: crm.ErrInvalid, Code: crm.CodeBodyTooLarge, Message: "the body is over 1 MiB"}

// webhookTolerance is how far a webhook's timestamp may be from our clock.
const webhookTolerance = 300 * time.Second

// WebhookArgs is the job that processes one stored webhook.
type WebhookArgs struct {
	WorkspaceID string `json:"workspaceId"`
	EventID     string `json:"eventId"`
}

// Kind implements river.JobArgs.
func (WebhookArgs) Kind() string { return "whop_webhook" }

// WebhookDelivery is one webhook as it reached Roster, in plain values: the
// surface that received it reads the request, the service decides.
type WebhookDelivery struct {
	// WorkspaceID is the workspace named by its own webhook URL; empty for
	// the shared URL, where the event's company_id routes it.
	WorkspaceID string
	// Header carries the signature (canonical keys, as net/http gives them).
	Header map[string][]string
	// Body is the raw body, exactly as signed; over MaxWebhookBytes is refused.
	Body []byte
	// RemoteIP is the sender's address, checked against the allowlist; the
	// zero Addr (unknown) passes only when there is no allowlist.
	RemoteIP netip.Addr
}

// rejectWebhook is a refusal Whop sees: the cause picks the status every
// JSON surface maps it to, the code says which check failed.
func rejectWebhook(cause error, code, message string) error {
	return &crm.Error{Cause: cause, Code: code, Message: message}
}

// CheckWebhookSource refuses a sender outside the webhook allowlist
// (crm.ErrForbidden). AcceptWebhook checks it too; a surface calls it first
// so that it does not read a body from an address it will refuse.
func (s *Service) CheckWebhookSource(ip netip.Addr) error {
	if !s.allowedIP(ip) {
		return rejectWebhook(crm.ErrForbidden, crm.CodeForbidden, "webhooks are not accepted from this address")
	}
	return nil
}

// AcceptWebhook verifies one delivery and stores it in the inbox, its
// processing job enqueued in the same transaction, before it returns: nil
// means the event is durable and Whop may be answered 200. A redelivery (the
// same webhook-id) reports duplicate and stores nothing. A refusal is a
// *crm.Error: ErrForbidden (allowlist), ErrNotFound (unknown workspace),
// ErrUnauthenticated (unroutable, no secret, bad or stale signature, with
// the check as its code), ErrInvalid (not a Whop event, another company) or
// CodeBodyTooLarge; a bad signature is audited. Any other error is Roster
// failing to store the event, and Whop will retry.
func (s *Service) AcceptWebhook(ctx context.Context, d WebhookDelivery) (duplicate bool, err error) {
	if err := s.CheckWebhookSource(d.RemoteIP); err != nil {
		return false, err
	}
	if len(d.Body) > MaxWebhookBytes {
		return false, ErrWebhookTooLarge
	}
	conn, err := s.routeWebhook(ctx, d.WorkspaceID, d.Body)
	if err != nil {
		return false, err
	}
	if err := s.verifyWebhook(conn, d.Header, d.Body); err != nil {
		s.auditRejection(ctx, conn.WorkspaceID, d, err)
		return false, err
	}
	ev, err := whop.ParseEvent(d.Body)
	if err != nil {
		return false, rejectWebhook(crm.ErrInvalid, crm.CodeInvalidValue, "the body is not a Whop webhook event: "+err.Error())
	}
	if ev.CompanyID != "" && ev.CompanyID != conn.CompanyID {
		return false, rejectWebhook(crm.ErrInvalid, crm.CodeInvalidValue, "the event belongs to another Whop company than the one this workspace is connected to")
	}
	webhookID := headerValue(d.Header, whop.HeaderWebhookID)
	if webhookID == "" {
		// Legacy deliveries carry no id; identical bodies are the same event.
		sum := sha256.Sum256(d.Body)
		webhookID = "legacy_" + hex.EncodeToString(sum[:16])
	}
	inbox := &store.WhopInboxEvent{ID: crm.NewID(), WorkspaceID: conn.WorkspaceID, WebhookID: webhookID, EventType: ev.Type,
		APIVersion: ev.APIVersion, Payload: d.Body, Status: store.InboxPending, ReceivedAt: s.now()}
	fresh, err := s.inbox.submit(inbox)
	return !fresh, err
}

// headerValue is the first value of a header, looked up as net/http stores
// it (canonical key).
func headerValue(h map[string][]string, key string) string {
	return textproto.MIMEHeader(h).Get(key)
}

// inboxBatcher stores received events with group commit: concurrent
// deliveries share one transaction (and so one SQLite write lock and one
// commit) instead of queueing for the single writer one by one. Each event
// is answered only after the transaction holding it committed, so a 200
// still means the event is durable.
type inboxBatcher struct {
	s       *Service
	mu      sync.Mutex
	pending []*inboxRequest
	running bool
}

type inboxRequest struct {
	ev    *store.WhopInboxEvent
	fresh bool
	err   error
	done  chan struct{}
}

// maxInboxBatch bounds one transaction's events.
const maxInboxBatch = 500

// submit stores ev (and enqueues its processing job) and reports whether it
// was new. The first caller to find no flush running becomes the flusher and
// commits batches until none is pending; the others wait for their batch.
func (b *inboxBatcher) submit(ev *store.WhopInboxEvent) (bool, error) {
	req := &inboxRequest{ev: ev, done: make(chan struct{})}
	b.mu.Lock()
	b.pending = append(b.pending, req)
	if !b.running {
		b.running = true
		for len(b.pending) > 0 {
			n := min(len(b.pending), maxInboxBatch)
			batch := b.pending[:n:n]
			b.pending = b.pending[n:]
			b.mu.Unlock()
			b.flush(batch)
			b.mu.Lock()
		}
		b.running = false
	}
	b.mu.Unlock()
	<-req.done
	return req.fresh, req.err
}

// flush writes one batch in one transaction. It does not use any request's
// context: one sender going away must not fail the others' events.
func (b *inboxBatcher) flush(batch []*inboxRequest) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := b.s.store.InTx(ctx, func(tx *sql.Tx) error {
		for _, r := range batch {
			fresh, err := b.s.store.WhopInboxInsert(ctx, tx, r.ev)
			if err != nil {
				return err
			}
			r.fresh = fresh
			if fresh {
				if err := b.s.enqueue(ctx, tx, WebhookArgs{WorkspaceID: r.ev.WorkspaceID, EventID: r.ev.ID}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	for _, r := range batch {
		if err != nil {
			r.fresh, r.err = false, err
		}
		close(r.done)
	}
}

// routeWebhook finds the connection an event is for: by the URL's workspace,
// or by the company_id in the body. Reading company_id before the signature
// is checked only chooses which secret to check it with; nothing else in the
// body is trusted until then.
func (s *Service) routeWebhook(ctx context.Context, workspaceID string, body []byte) (*store.WhopConnection, error) {
	unknown := rejectWebhook(crm.ErrNotFound, crm.CodeNotFound, "no workspace is connected to Whop at this address")
	if workspaceID != "" {
		if _, err := uuid.Parse(workspaceID); err != nil {
			return nil, unknown
		}
		conn, err := s.store.WhopConnectionGet(ctx, nil, workspaceID)
		if errors.Is(err, crm.ErrNotFound) {
			return nil, unknown
		}
		return conn, err
	}
	var env struct {
		CompanyID string `json:"company_id"`
		Data      struct {
			CompanyID string `json:"company_id"`
			Company   any    `json:"company"`
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &env)
	company := env.CompanyID
	if company == "" {
		company = env.Data.CompanyID
	}
	if company == "" {
		if m, ok := env.Data.Company.(map[string]any); ok {
			company, _ = m["id"].(string)
		}
	}
	if company == "" {
		return nil, rejectWebhook(crm.ErrUnauthenticated, "UNROUTABLE", "cannot tell which workspace this event is for: use the workspace's webhook URL shown in Roster")
	}
	conn, err := s.store.WhopConnectionByCompany(ctx, company)
	if errors.Is(err, crm.ErrNotFound) {
		return nil, rejectWebhook(crm.ErrUnauthenticated, "UNROUTABLE", "no workspace is connected to this Whop company")
	}
	return conn, err
}

// verifyWebhook checks the signature against the workspace's secret and the
// deployment-wide one.
func (s *Service) verifyWebhook(conn *store.WhopConnection, h map[string][]string, body []byte) error {
	var secrets []string
	if sec, err := s.open("webhook_secret", conn.WorkspaceID, conn.WebhookSecretSealed); err == nil && sec != "" {
		secrets = append(secrets, sec)
	}
	if s.cfg.WebhookSecret != "" {
		secrets = append(secrets, s.cfg.WebhookSecret)
	}
	if len(secrets) == 0 {
		return rejectWebhook(crm.ErrUnauthenticated, "NO_SECRET", "this workspace has no webhook secret configured")
	}
	var last error
	for _, sec := range secrets {
		if last = whop.Verify(sec, h, body, s.now(), webhookTolerance); last == nil {
			return nil
		}
	}
	switch {
	case errors.Is(last, whop.ErrInvalidTimestamp):
		return rejectWebhook(crm.ErrUnauthenticated, "INVALID_TIMESTAMP", "the webhook timestamp is not a whole number of seconds since 1970 (Unix time)")
	case errors.Is(last, whop.ErrStaleTimestamp):
		return rejectWebhook(crm.ErrUnauthenticated, "STALE_TIMESTAMP", "the webhook timestamp is more than 300 seconds from the server's clock")
	case errors.Is(last, whop.ErrMissingSignature):
		return rejectWebhook(crm.ErrUnauthenticated, "MISSING_SIGNATURE", "the webhook has no signature headers")
	}
	return rejectWebhook(crm.ErrUnauthenticated, "BAD_SIGNATURE", "the webhook signature does not match the secret")
}

// auditRejection records a refused webhook (without its body).
func (s *Service) auditRejection(ctx context.Context, workspaceID string, d WebhookDelivery, err error) {
	details := map[string]any{"webhookId": headerValue(d.Header, whop.HeaderWebhookID)}
	if ce, ok := crm.AsError(err); ok {
		details["reason"] = ce.Code
	}
	if d.RemoteIP.IsValid() {
		details["remoteAddr"] = d.RemoteIP.String()
	}
	if aerr := s.audit(ctx, nil, workspaceID, audit.WhopWebhookRejected, auditActor, details); aerr != nil {
		s.log.Error("whop webhook: audit rejection", "error", aerr)
	}
}
