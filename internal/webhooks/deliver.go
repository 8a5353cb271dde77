package webhooks

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/netguard"
	"github.com/roster-crm/roster/internal/store"
)

// RetrySchedule is the wait before each retry of a failed delivery: after
// the first attempt 5 s, then 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, so a
// delivery is tried 8 times over about 27.5 hours (the Standard Webhooks
// example schedule, cut where a day has passed).
var RetrySchedule = []time.Duration{
	5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour,
}

// MaxAttempts is how often a delivery is tried before it is given up.
var MaxAttempts = len(RetrySchedule) + 1

// DisableAfter is how long a webhook may fail without a single success
// before Roster disables it and tells the admins.
const DisableAfter = 72 * time.Hour

// MaxResponseLog is how much of a target's answer the delivery log keeps.
const MaxResponseLog = 1024

// UserAgent identifies Roster's deliveries to the target.
const UserAgent = "Roster-Webhooks/1"

// ScheduleText is RetrySchedule as people read it: "5 s, 5 min, 30 min,
// 2 h, 5 h, 10 h and 10 h".
func ScheduleText() string {
	parts := make([]string, len(RetrySchedule))
	for i, d := range RetrySchedule {
		switch {
		case d >= time.Hour && d%time.Hour == 0:
			parts[i] = fmt.Sprintf("%d h", d/time.Hour)
		case d >= time.Minute && d%time.Minute == 0:
			parts[i] = fmt.Sprintf("%d min", d/time.Minute)
		default:
			parts[i] = fmt.Sprintf("%d s", d/time.Second)
		}
	}
	last := len(parts) - 1
	return strings.Join(parts[:last], ", ") + " and " + parts[last]
}

// RetryDelay is the wait after failed attempt number attempt (1-based).
func RetryDelay(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt > len(RetrySchedule) {
		return RetrySchedule[len(RetrySchedule)-1]
	}
	return RetrySchedule[attempt-1]
}

// Register adds the delivery worker and the daily retention job of the
// delivery log to the job registry.
func Register(reg *jobs.Registry, s *Service) error {
	if err := jobs.Register(reg, &deliverWorker{s: s}); err != nil {
		return err
	}
	return jobs.AddDaily(reg, PruneArgs{}, func(ctx context.Context) error {
		_, err := s.Prune(ctx)
		return err
	})
}

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	s *Service
}

// NextRetry schedules the retry of a failed attempt on RetrySchedule,
// durably: River stores the time in the job row, so a restart in between
// loses nothing.
func (w *deliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	at := time.Now()
	if job.AttemptedAt != nil {
		at = *job.AttemptedAt
	}
	return at.Add(RetryDelay(job.Attempt))
}

// Timeout bounds a job: the HTTP attempt plus the bookkeeping around it.
func (w *deliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration {
	return Timeout + 20*time.Second
}

// Work makes one attempt. A failure with attempts left returns an error,
// so River retries at NextRetry; the last failure, and a delivery that
// should stop (webhook deleted or disabled), cancel the job.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	final := job.Attempt >= job.MaxAttempts
	res, err := w.s.attempt(ctx, attemptParams{Args: job.Args, Final: final, JobAttempt: job.Attempt})
	switch {
	case err != nil:
		return err
	case res.stop:
		return river.JobCancel(errors.New(res.reason))
	case res.success:
		return nil
	case final:
		return river.JobCancel(fmt.Errorf("webhooks: delivery %s failed after %d attempts: %s", job.Args.DeliveryID, job.Attempt, res.reason))
	}
	return fmt.Errorf("webhooks: delivery %s attempt failed: %s", job.Args.DeliveryID, res.reason)
}

type attemptParams struct {
	Args DeliverArgs
	// Final is the last automatic attempt: a failure ends the delivery.
	Final bool
	// JobAttempt is River's attempt number, which NextRetry schedules by
	// (the delivery's own count also includes redeliveries).
	JobAttempt int
}

type attemptResult struct {
	success bool
	// stop: nothing more to do for this delivery (gone, done, disabled).
	stop   bool
	reason string
}

// attempt sends a delivery once, logs the attempt, and updates the
// delivery and the webhook's failure record in one transaction.
func (s *Service) attempt(ctx context.Context, p attemptParams) (*attemptResult, error) {
	manual := p.Args.Redelivery != ""
	d, err := s.store.WebhookDeliveryGet(ctx, nil, p.Args.WorkspaceID, p.Args.DeliveryID)
	if errors.Is(err, crm.ErrNotFound) {
		return &attemptResult{stop: true, reason: "delivery deleted with its webhook"}, nil
	}
	if err != nil {
		return nil, err
	}
	hook, err := s.store.WebhookGet(ctx, nil, d.WorkspaceID, d.WebhookID)
	if errors.Is(err, crm.ErrNotFound) {
		return &attemptResult{stop: true, reason: "webhook deleted"}, nil
	}
	if err != nil {
		return nil, err
	}
	if !manual {
		switch {
		case d.Status == store.DeliverySucceeded:
			return &attemptResult{stop: true, reason: "already delivered"}, nil
		case !hook.Enabled:
			err := s.store.WebhookDeliverySetStatus(ctx, s.store.Write, &store.WebhookDeliverySetStatusParams{
				WorkspaceID: d.WorkspaceID, ID: d.ID, Status: store.DeliveryFailed, Error: "webhook disabled", Now: s.now()})
			if err != nil {
				return nil, err
			}
			return &attemptResult{stop: true, reason: "webhook disabled"}, nil
		}
	}
	sec, err := s.open(hook)
	if err != nil {
		return nil, err
	}
	at := s.now()
	out := s.send(ctx, hook.TargetURL, d, sec, at)
	a := &store.WebhookAttempt{
		ID: crm.NewID(), WorkspaceID: d.WorkspaceID, WebhookID: hook.ID, DeliveryID: d.ID, Attempt: d.Attempts + 1, Manual: manual,
		EventType: d.EventType, AttemptedAt: at, StatusCode: out.statusCode, DurationMS: out.duration.Milliseconds(),
		Success: out.success, Error: out.err, Response: out.response,
	}
	status, next := store.DeliveryPending, (*time.Time)(nil)
	switch {
	case out.success:
		status = store.DeliverySucceeded
	case manual:
		status = d.Status // a failed redelivery changes nothing about the schedule
		next = d.NextAttemptAt
	case p.Final:
		status = store.DeliveryFailed
	default:
		t := at.Add(RetryDelay(p.JobAttempt))
		next = &t
	}
	var disabled string
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.store.WebhookAttemptRecord(ctx, tx, &store.WebhookAttemptRecordParams{Attempt: a, Status: status, NextAttemptAt: next}); err != nil {
			return err
		}
		h, err := s.store.WebhookOutcome(ctx, tx, &store.WebhookOutcomeParams{WorkspaceID: hook.WorkspaceID, ID: hook.ID, Success: out.success, Now: at})
		if err != nil || out.success {
			return err
		}
		disabled, err = s.maybeDisable(ctx, tx, h, out, at)
		return err
	})
	if errors.Is(err, crm.ErrNotFound) {
		return &attemptResult{stop: true, reason: "webhook deleted"}, nil
	}
	if err != nil {
		return nil, err
	}
	if disabled != "" {
		s.notifyDisabled(ctx, hook, disabled)
		return &attemptResult{stop: true, reason: "webhook disabled: " + disabled}, nil
	}
	if out.success {
		return &attemptResult{success: true}, nil
	}
	return &attemptResult{reason: out.summary()}, nil
}

// maybeDisable turns the webhook off when its target said it is gone (410)
// or has failed without a success for DisableAfter, and returns the reason
// (empty when it stays on, or another worker already turned it off).
func (s *Service) maybeDisable(ctx context.Context, tx *sql.Tx, h *store.Webhook, out *sendResult, at time.Time) (string, error) {
	var reason string
	params := &store.WebhookDisableParams{WorkspaceID: h.WorkspaceID, ID: h.ID, Now: at}
	switch {
	case out.statusCode != nil && *out.statusCode == http.StatusGone:
		reason = "the target answered 410 Gone"
	case h.FailingSince != nil && !at.Before(h.FailingSince.Add(DisableAfter)):
		reason = fmt.Sprintf("every delivery attempt failed for %s (since %s)", humanDuration(at.Sub(*h.FailingSince)), h.FailingSince.Format(time.RFC1123))
		cutoff := at.Add(-DisableAfter)
		params.FailingSinceBefore = &cutoff
	default:
		return "", nil
	}
	params.Reason = reason
	ok, err := s.store.WebhookDisable(ctx, tx, params)
	if err != nil || !ok {
		return "", err
	}
	details := map[string]any{"reason": reason, "failureCount": h.FailureCount}
	if err := s.record(ctx, tx, h, audit.WebhookDisabled, systemActor, details); err != nil {
		return "", err
	}
	return reason, nil
}

func humanDuration(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	}
	return fmt.Sprintf("%d hours", int(d.Hours()))
}

// sendResult is what one HTTP attempt gave.
type sendResult struct {
	success    bool
	statusCode *int
	duration   time.Duration
	err        string
	response   string
}

func (r *sendResult) summary() string {
	if r.statusCode != nil {
		return "HTTP " + strconv.Itoa(*r.statusCode)
	}
	return r.err
}

// send posts the delivery's body, signed for this attempt (a fresh
// webhook-timestamp, the same webhook-id), and reports the answer.
func (s *Service) send(ctx context.Context, target string, d *store.WebhookDelivery, sec Secret, at time.Time) *sendResult {
	body := []byte(d.Body)
	sig, err := Sign(sec, d.ID, at, body)
	if err != nil {
		return &sendResult{err: err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return &sendResult{err: "bad target URL: " + err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set(HeaderID, d.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
	req.Header.Set(HeaderSignature, sig)
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return &sendResult{duration: time.Since(start), err: sendError(err)}
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, MaxResponseLog))
	// Read a little more so the connection can be reused; a large answer
	// is cut off by closing.
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	code := resp.StatusCode
	return &sendResult{
		success: code >= 200 && code <= 299, statusCode: &code, duration: time.Since(start), response: logText(head),
	}
}

// sendError words a transport failure for the delivery log.
func sendError(err error) string {
	var ue interface{ Timeout() bool }
	switch {
	case errors.Is(err, netguard.ErrBlocked):
		return "refused by Roster's network guard: " + trimGuard(unwrapURLError(err).Error())
	case errors.As(err, &ue) && ue.Timeout():
		return fmt.Sprintf("no answer within %s", Timeout)
	}
	return unwrapURLError(err).Error()
}

// unwrapURLError drops net/http's "Post \"<url>\": " prefix: the log
// already shows the target.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

// logText makes an answer safe to store and show: valid UTF-8, no NUL bytes
// (PostgreSQL's text refuses them).
func logText(b []byte) string {
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	if !utf8.ValidString(s) {
		return ""
	}
	return s
}
