package whopsync

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/whop"
)

// MaxWebhookBytes caps a webhook body; Whop's events are a few kilobytes.
const MaxWebhookBytes = 1 << 20

// webhookTolerance is how far a webhook's timestamp may be from our clock.
const webhookTolerance = 300 * time.Second

// WebhookArgs is the job that processes one stored webhook.
type WebhookArgs struct {
	WorkspaceID string `json:"workspaceId"`
	EventID     string `json:"eventId"`
}

// Kind implements river.JobArgs.
func (WebhookArgs) Kind() string { return "whop_webhook" }

// webhookError is a rejection with the status Whop will see.
type webhookError struct {
	status  int
	code    string
	message string
}

func (e *webhookError) Error() string { return e.message }

func reject(status int, code, message string) *webhookError {
	return &webhookError{status: status, code: code, message: message}
}

// WebhookHandler receives Whop webhooks on POST /webhooks/whop (routed by the
// event's company_id) and POST /webhooks/whop/{workspaceID}. A valid event is
// stored in the inbox, and its processing job enqueued, in one transaction
// before the 200; a redelivery (same webhook-id) answers 200 and does nothing.
func (s *Service) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dup, err := s.receive(r.Context(), r)
		if err != nil {
			var we *webhookError
			if !errors.As(err, &we) {
				s.log.ErrorContext(r.Context(), "whop webhook: store event", "error", err)
				we = reject(http.StatusInternalServerError, "INTERNAL", "could not store the event; Whop will retry")
			}
			writeJSON(w, we.status, map[string]any{"error": map[string]string{"code": we.code, "message": we.message}, "statusCode": we.status})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"received": true, "duplicate": dup})
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// receive verifies, stores and enqueues one webhook. It reports whether the
// event was a duplicate.
func (s *Service) receive(ctx context.Context, r *http.Request) (bool, error) {
	if !s.allowedIP(r.RemoteAddr) {
		return false, reject(http.StatusForbidden, "FORBIDDEN", "webhooks are not accepted from this address")
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxWebhookBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return false, reject(http.StatusRequestEntityTooLarge, crm.CodeBodyTooLarge, "the body is over 1 MiB")
	}
	if err != nil {
		return false, reject(http.StatusBadRequest, crm.CodeInvalidValue, "could not read the body")
	}
	conn, err := s.routeWebhook(ctx, r.PathValue("workspaceID"), body)
	if err != nil {
		return false, err
	}
	if err := s.verifyWebhook(conn, r.Header, body); err != nil {
		s.auditRejection(ctx, conn.WorkspaceID, r, err)
		return false, err
	}
	ev, err := whop.ParseEvent(body)
	if err != nil {
		return false, reject(http.StatusBadRequest, crm.CodeInvalidValue, "the body is not a Whop webhook event: "+err.Error())
	}
	if ev.CompanyID != "" && ev.CompanyID != conn.CompanyID {
		return false, reject(http.StatusBadRequest, crm.CodeInvalidValue, "the event belongs to another Whop company than the one this workspace is connected to")
	}
	webhookID := r.Header.Get(whop.HeaderWebhookID)
	if webhookID == "" {
		// Legacy deliveries carry no id; identical bodies are the same event.
		sum := sha256.Sum256(body)
		webhookID = "legacy_" + hex.EncodeToString(sum[:16])
	}
	inbox := &store.WhopInboxEvent{ID: crm.NewID(), WorkspaceID: conn.WorkspaceID, WebhookID: webhookID, EventType: ev.Type,
		APIVersion: ev.APIVersion, Payload: body, Status: store.InboxPending, ReceivedAt: s.now()}
	fresh, err := s.inbox.submit(inbox)
	return !fresh, err
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
	unknown := reject(http.StatusNotFound, crm.CodeNotFound, "no workspace is connected to Whop at this address")
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
		return nil, reject(http.StatusUnauthorized, "UNROUTABLE", "cannot tell which workspace this event is for: use the workspace's webhook URL shown in Roster")
	}
	conn, err := s.store.WhopConnectionByCompany(ctx, company)
	if errors.Is(err, crm.ErrNotFound) {
		return nil, reject(http.StatusUnauthorized, "UNROUTABLE", "no workspace is connected to this Whop company")
	}
	return conn, err
}

// verifyWebhook checks the signature against the workspace's secret and the
// deployment-wide one.
func (s *Service) verifyWebhook(conn *store.WhopConnection, h http.Header, body []byte) error {
	var secrets []string
	if sec, err := s.open("webhook_secret", conn.WorkspaceID, conn.WebhookSecretSealed); err == nil && sec != "" {
		secrets = append(secrets, sec)
	}
	if s.cfg.WebhookSecret != "" {
		secrets = append(secrets, s.cfg.WebhookSecret)
	}
	if len(secrets) == 0 {
		return reject(http.StatusUnauthorized, "NO_SECRET", "this workspace has no webhook secret configured")
	}
	var last error
	for _, sec := range secrets {
		if last = whop.Verify(sec, h, body, s.now(), webhookTolerance); last == nil {
			return nil
		}
	}
	switch {
	case errors.Is(last, whop.ErrInvalidTimestamp):
		return reject(http.StatusUnauthorized, "INVALID_TIMESTAMP", "the webhook timestamp is not a whole number of seconds since 1970 (Unix time)")
	case errors.Is(last, whop.ErrStaleTimestamp):
		return reject(http.StatusUnauthorized, "STALE_TIMESTAMP", "the webhook timestamp is more than 300 seconds from the server's clock")
	case errors.Is(last, whop.ErrMissingSignature):
		return reject(http.StatusUnauthorized, "MISSING_SIGNATURE", "the webhook has no signature headers")
	}
	return reject(http.StatusUnauthorized, "BAD_SIGNATURE", "the webhook signature does not match the secret")
}

// auditRejection records a refused webhook (without its body).
func (s *Service) auditRejection(ctx context.Context, workspaceID string, r *http.Request, err error) {
	var we *webhookError
	errors.As(err, &we)
	details := map[string]any{"reason": we.code, "webhookId": r.Header.Get(whop.HeaderWebhookID), "remoteAddr": r.RemoteAddr}
	if aerr := s.audit(ctx, s.store.Write, workspaceID, "whop.webhook.rejected", systemActor, nil, details); aerr != nil {
		s.log.Error("whop webhook: audit rejection", "error", aerr)
	}
}
