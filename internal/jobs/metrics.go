package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Job outcomes counted by roster_jobs_total. "failed" is an attempt that
// returned an error and will be retried; "discarded" is a failure on the last
// attempt.
const (
	outcomeCompleted = "completed"
	outcomeFailed    = "failed"
	outcomeDiscarded = "discarded"
	outcomeCancelled = "cancelled"
	outcomeSnoozed   = "snoozed"
)

// metricsMiddleware counts job outcomes and run time by kind. It is a worker
// middleware rather than an event subscription because subscriptions drop
// events when their buffer is full, and counters must not.
type metricsMiddleware struct {
	river.MiddlewareDefaults
	outcomes *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetricsMiddleware(reg prometheus.Registerer) (*metricsMiddleware, error) {
	outcomes := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "roster_jobs_total",
		Help: "Job attempts worked, by kind and outcome (completed, failed, discarded, cancelled, snoozed).",
	}, []string{"kind", "outcome"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "roster_job_duration_seconds",
		Help:    "Time spent in a job's Work method, by kind.",
		Buckets: []float64{.01, .05, .1, .5, 1, 5, 10, 30, 60, 300},
	}, []string{"kind"})
	var err error
	if outcomes, err = registerOrReuse(reg, outcomes); err != nil {
		return nil, err
	}
	if duration, err = registerOrReuse(reg, duration); err != nil {
		return nil, err
	}
	return &metricsMiddleware{outcomes: outcomes, duration: duration}, nil
}

// registerOrReuse registers c, or returns the identical collector already
// registered (several queues may share one registry, e.g. in tests).
func registerOrReuse[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	if err != nil {
		return c, fmt.Errorf("jobs: register metrics: %w", err)
	}
	return c, nil
}

// Work implements rivertype.WorkerMiddleware.
func (m *metricsMiddleware) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) (err error) {
	start := time.Now()
	defer func() {
		m.duration.WithLabelValues(job.Kind).Observe(time.Since(start).Seconds())
		outcome := outcomeOf(job, err)
		if p := recover(); p != nil {
			outcome = outcomeFailed
			if job.Attempt >= job.MaxAttempts {
				outcome = outcomeDiscarded
			}
			m.outcomes.WithLabelValues(job.Kind, outcome).Inc()
			panic(p) // River turns the panic into a failed attempt
		}
		m.outcomes.WithLabelValues(job.Kind, outcome).Inc()
	}()
	return doInner(ctx)
}

func outcomeOf(job *rivertype.JobRow, err error) string {
	var cancel *rivertype.JobCancelError
	var snooze *rivertype.JobSnoozeError
	switch {
	case err == nil:
		return outcomeCompleted
	case errors.As(err, &cancel):
		return outcomeCancelled
	case errors.As(err, &snooze):
		return outcomeSnoozed
	case job.Attempt >= job.MaxAttempts:
		return outcomeDiscarded
	}
	return outcomeFailed
}
