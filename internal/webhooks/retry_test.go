package webhooks_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/webhooks"
)

// deliveryJobs returns the webhook delivery jobs, oldest first.
func (h *harness) deliveryJobs() []*rivertype.JobRow {
	h.t.Helper()
	res, err := h.queue.Client().JobList(context.Background(), river.NewJobListParams().Kinds("webhook_delivery").First(1000))
	if err != nil {
		h.t.Fatalf("JobList() = %v", err)
	}
	return res.Jobs
}

// waitJob waits until the job for the given ID has made attempt n and
// settled in state. A retry due within River's scheduler interval (the
// first, after 5 s) waits as "available" with a future scheduled_at rather
// than as "retryable"; waiting for JobStateRetryable accepts both.
func (h *harness) waitJob(id int64, attempt int, state rivertype.JobState) *rivertype.JobRow {
	h.t.Helper()
	var job *rivertype.JobRow
	poll.Until(h.t, 30*time.Second, func() error {
		var err error
		job, err = h.queue.Client().JobGet(context.Background(), id)
		if err != nil {
			return err
		}
		st := job.State
		if state == rivertype.JobStateRetryable && st == rivertype.JobStateAvailable && job.AttemptedAt != nil && job.ScheduledAt.After(*job.AttemptedAt) {
			st = rivertype.JobStateRetryable
		}
		if job.Attempt != attempt || st != state {
			return fmt.Errorf("job %d is %s after attempt %d; want %s after attempt %d", id, job.State, job.Attempt, state, attempt)
		}
		return nil
	})
	return job
}

// firstJob waits for the first delivery job to exist.
func (h *harness) firstJob() *rivertype.JobRow {
	h.t.Helper()
	var jobs []*rivertype.JobRow
	poll.Until(h.t, 30*time.Second, func() error {
		if jobs = h.deliveryJobs(); len(jobs) == 0 {
			return fmt.Errorf("no delivery job yet")
		}
		return nil
	})
	return jobs[0]
}

// retryNow makes a retryable job due now instead of at its scheduled time,
// the tests' stand-in for waiting minutes or hours.
func (h *harness) retryNow(id int64) {
	h.t.Helper()
	if _, err := h.queue.Client().JobRetry(context.Background(), id); err != nil {
		h.t.Fatalf("JobRetry(%d) = %v", id, err)
	}
}

// checkBackoff checks that River scheduled the retry of a failed attempt
// RetrySchedule's delay after it was made.
func checkBackoff(t *testing.T, job *rivertype.JobRow) {
	t.Helper()
	want := webhooks.RetrySchedule[job.Attempt-1]
	if job.AttemptedAt == nil {
		t.Fatalf("job %d has no attempted_at", job.ID)
	}
	got := job.ScheduledAt.Sub(*job.AttemptedAt)
	if d := got - want; d < -time.Millisecond || d > time.Millisecond {
		t.Errorf("after attempt %d the retry is scheduled %s after it; want %s", job.Attempt, got, want)
	}
}

func (h *harness) delivery(webhookID string) *webhooks.Delivery {
	h.t.Helper()
	pg, err := h.hooks.Deliveries(context.Background(), h.admin, webhooks.DeliveriesParams{WebhookID: webhookID})
	if err != nil {
		h.t.Fatal(err)
	}
	if len(pg.Deliveries) == 0 {
		h.t.Fatal("no delivery")
	}
	return pg.Deliveries[0]
}

func TestRetriesWithBackoff(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s, harnessOptions{})
		rc := newReceiver(t, http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusOK)
		hook := h.createHook(h.admin, rc.URL, "person.created")
		h.createPeople(h.ws, "Ada")
		job := h.firstJob()

		for attempt := 1; attempt <= 2; attempt++ {
			job = h.waitJob(job.ID, attempt, rivertype.JobStateRetryable)
			checkBackoff(t, job)
			d := h.delivery(hook.ID)
			if d.Status != store.DeliveryPending || d.Attempts != attempt || d.NextAttemptAt == nil {
				t.Fatalf("after failed attempt %d: delivery %+v; want pending with %d attempts and a next attempt", attempt, d, attempt)
			}
			if got := d.NextAttemptAt.Sub(d.Log[0].AttemptedAt); got != webhooks.RetrySchedule[attempt-1] {
				t.Errorf("after failed attempt %d: nextAttemptAt is %s after it; want %s", attempt, got, webhooks.RetrySchedule[attempt-1])
			}
			w, _ := h.hooks.Get(context.Background(), h.admin, hook.ID)
			if w.FailureCount != attempt || w.FailingSince == nil || !w.Enabled {
				t.Fatalf("after failed attempt %d: webhook failures %d since %v, enabled %v; want %d, set, true", attempt, w.FailureCount, w.FailingSince, w.Enabled, attempt)
			}
			h.retryNow(job.ID)
		}
		h.waitJob(job.ID, 3, rivertype.JobStateCompleted)

		reqs := rc.requests()
		if len(reqs) != 3 {
			t.Fatalf("receiver got %d requests; want 3", len(reqs))
		}
		for _, r := range reqs[1:] {
			if r.Header.Get("webhook-id") != reqs[0].Header.Get("webhook-id") || string(r.Body) != string(reqs[0].Body) {
				t.Errorf("a retry sent webhook-id %q and body %s; want the first attempt's %q and body", r.Header.Get("webhook-id"), r.Body, reqs[0].Header.Get("webhook-id"))
			}
		}
		d := h.delivery(hook.ID)
		if d.Status != store.DeliverySucceeded || d.Attempts != 3 || d.NextAttemptAt != nil || d.ID != reqs[0].Header.Get("webhook-id") {
			t.Errorf("delivery = %+v; want succeeded after 3 attempts, id = webhook-id", d)
		}
		var codes []int
		for _, a := range d.Log {
			codes = append(codes, *a.StatusCode)
		}
		if fmt.Sprint(codes) != "[200 503 500]" {
			t.Errorf("attempt log status codes (newest first) = %v; want [200 503 500]", codes)
		}
		w, _ := h.hooks.Get(context.Background(), h.admin, hook.ID)
		if w.FailureCount != 0 || w.FailingSince != nil || w.LastDeliveryAt == nil {
			t.Errorf("after a success: failures %d since %v, last delivery %v; want 0, nil, set", w.FailureCount, w.FailingSince, w.LastDeliveryAt)
		}
	})
}

// TestRetryScheduleExhausted fails every attempt: the delivery is tried
// MaxAttempts times, each retry scheduled on RetrySchedule (over 24 hours in
// all), and then given up.
func TestRetryScheduleExhausted(t *testing.T) {
	var total time.Duration
	for _, d := range webhooks.RetrySchedule {
		total += d
	}
	if total < 24*time.Hour {
		t.Fatalf("RetrySchedule spans %s; want at least 24h", total)
	}
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s, harnessOptions{})
		rc := newReceiver(t, http.StatusBadGateway)
		hook := h.createHook(h.admin, rc.URL, "*.created")
		h.createPeople(h.ws, "Ada")
		job := h.firstJob()
		for attempt := 1; attempt < webhooks.MaxAttempts; attempt++ {
			job = h.waitJob(job.ID, attempt, rivertype.JobStateRetryable)
			checkBackoff(t, job)
			h.retryNow(job.ID)
		}
		h.waitJob(job.ID, webhooks.MaxAttempts, rivertype.JobStateCancelled)
		d := h.delivery(hook.ID)
		if d.Status != store.DeliveryFailed || d.Attempts != webhooks.MaxAttempts || d.NextAttemptAt != nil || len(d.Log) != webhooks.MaxAttempts {
			t.Errorf("delivery = %+v with %d logged attempts; want failed after %d", d, len(d.Log), webhooks.MaxAttempts)
		}
		if n := len(rc.requests()); n != webhooks.MaxAttempts {
			t.Errorf("receiver got %d requests; want %d", n, webhooks.MaxAttempts)
		}
	})
}

func TestDisableAfterThreeDays(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHarness(t, s, harnessOptions{})
		rc := newReceiver(t, http.StatusServiceUnavailable)
		t0 := h.clock.Now()
		hook := h.createHook(h.admin, rc.URL, "person.created")

		h.createPeople(h.ws, "Ada")
		first := h.waitJob(h.firstJob().ID, 1, rivertype.JobStateRetryable)

		// 71 hours later a new event fails too: still under three days.
		h.clock.Set(t0.Add(71 * time.Hour))
		h.createPeople(h.ws, "Grace")
		var second *rivertype.JobRow
		poll.Until(t, 30*time.Second, func() error {
			jobs := h.deliveryJobs()
			if len(jobs) < 2 || jobs[1].Attempt != 1 || jobs[1].State == rivertype.JobStateRunning {
				return fmt.Errorf("second delivery not failed yet (%d jobs)", len(jobs))
			}
			second = h.waitJob(jobs[1].ID, 1, rivertype.JobStateRetryable)
			return nil
		})
		w, _ := h.hooks.Get(ctx, h.admin, hook.ID)
		if !w.Enabled || w.FailureCount != 2 || !w.FailingSince.Equal(t0) {
			t.Fatalf("after 71h of failures: enabled %v, failures %d since %v; want enabled, 2 since %v", w.Enabled, w.FailureCount, w.FailingSince, t0)
		}

		// At 72 hours the next failure disables the webhook.
		h.clock.Set(t0.Add(72 * time.Hour))
		h.retryNow(first.ID)
		h.waitJob(first.ID, 2, rivertype.JobStateCancelled)
		w, _ = h.hooks.Get(ctx, h.admin, hook.ID)
		if w.Enabled || !strings.Contains(w.DisabledReason, "failed for 3 days") {
			t.Fatalf("after 72h of failures: enabled %v, reason %q; want disabled, saying it failed for 3 days", w.Enabled, w.DisabledReason)
		}
		emails, err := h.mail.List(ctx, h.ws)
		if err != nil {
			t.Fatal(err)
		}
		var notices int
		for _, e := range emails {
			if e.Kind == mail.KindWebhook && strings.Join(e.To, ",") == "admin@acme.test" && strings.Contains(e.Body, rc.URL) && strings.Contains(e.Body, "/settings/webhooks/"+hook.ID) {
				notices++
			}
		}
		if notices != 1 {
			t.Errorf("outbox has %d webhook notices to the admin; want 1 (outbox: %+v)", notices, emails)
		}

		// The other pending delivery stops without calling the target, and
		// new events are not delivered while the webhook is off.
		calls := len(rc.requests())
		h.retryNow(second.ID)
		h.waitJob(second.ID, 2, rivertype.JobStateCancelled)
		h.createPeople(h.ws, "Linus")
		h.waitEventsDone()
		if n := len(rc.requests()); n != calls {
			t.Errorf("receiver got %d more requests after the webhook was disabled; want 0", n-calls)
		}
		if n := len(h.deliveryJobs()); n != 2 {
			t.Errorf("%d delivery jobs; want 2 (nothing new for a disabled webhook)", n)
		}

		// Enabling it again starts a clean record.
		on := true
		w, err = h.hooks.Update(ctx, h.admin, hook.ID, webhooks.UpdateParams{Enabled: &on})
		if err != nil {
			t.Fatal(err)
		}
		if !w.Enabled || w.FailureCount != 0 || w.FailingSince != nil || w.DisabledReason != "" {
			t.Errorf("re-enabled webhook = %+v; want enabled with no failures and no reason", w)
		}
	})
}

// waitEventsDone waits until every domain-events job has run, so the
// dispatch of the events written so far is over.
func (h *harness) waitEventsDone() {
	h.t.Helper()
	poll.Until(h.t, 30*time.Second, func() error {
		res, err := h.queue.Client().JobList(context.Background(), river.NewJobListParams().Kinds("crm_events").
			States(rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled))
		if err != nil {
			return err
		}
		if len(res.Jobs) > 0 {
			return fmt.Errorf("%d events jobs still to run", len(res.Jobs))
		}
		return nil
	})
}

func TestGoneDisablesAtOnce(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s, harnessOptions{})
		rc := newReceiver(t, http.StatusGone)
		hook := h.createHook(h.admin, rc.URL, "person.created")
		h.createPeople(h.ws, "Ada")
		h.waitJob(h.firstJob().ID, 1, rivertype.JobStateCancelled)
		w, _ := h.hooks.Get(context.Background(), h.admin, hook.ID)
		if w.Enabled || !strings.Contains(w.DisabledReason, "410") {
			t.Errorf("after a 410: enabled %v, reason %q; want disabled because of the 410", w.Enabled, w.DisabledReason)
		}
	})
}

// TestLargeAnswerSucceeds: a 2xx is a success whatever the answer's size;
// the log keeps its first kilobyte.
func TestLargeAnswerSucceeds(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s, harnessOptions{})
		big := strings.Repeat("y", 3<<20)
		rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(big)))
			_, _ = io.WriteString(w, big)
		}))
		t.Cleanup(rc.Close)
		hook := h.createHook(h.admin, rc.URL, "person.created")
		h.createPeople(h.ws, "Ada")
		h.waitJob(h.firstJob().ID, 1, rivertype.JobStateCompleted)
		d := h.delivery(hook.ID)
		if d.Status != store.DeliverySucceeded || len(d.Log) != 1 || len(d.Log[0].Response) > webhooks.MaxResponseLog {
			t.Errorf("delivery = %s with log %+v; want succeeded, at most %d bytes of the answer kept", d.Status, d.Log, webhooks.MaxResponseLog)
		}
	})
}
