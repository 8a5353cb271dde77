package workflow

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/roster-crm/roster/internal/store"
)

// engineMetrics are the workflow engine's Prometheus series:
// roster_workflow_runs (runs by status, read from the database when
// scraped, so every replica reports the same truth),
// roster_workflow_runs_total (runs started and ended by this process),
// roster_workflow_step_duration_seconds (step latency by type and outcome)
// and roster_workflow_queue_depth (run jobs waiting in the queue).
type engineMetrics struct {
	transitions *prometheus.CounterVec
	steps       *prometheus.HistogramVec
}

func newEngineMetrics(reg prometheus.Registerer, s *store.Store) (*engineMetrics, error) {
	m := &engineMetrics{
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "roster_workflow_runs_total",
			Help: "Workflow runs this process started (event=started, by initial status) and ended (event=ended, by final status).",
		}, []string{"event", "status"}),
		steps: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "roster_workflow_step_duration_seconds",
			Help:    "Time to execute one workflow step, by step type and outcome (success, error).",
			Buckets: []float64{.001, .005, .01, .05, .1, .5, 1, 2.5, 5, 10, 30},
		}, []string{"type", "outcome"}),
	}
	if reg == nil {
		return m, nil
	}
	byStatus := prometheus.NewDesc("roster_workflow_runs", "Workflow runs kept in the database, by status.", []string{"status"}, nil)
	depth := prometheus.NewDesc("roster_workflow_queue_depth", "Workflow run jobs waiting in the job queue (available or scheduled).", nil, nil)
	for _, c := range []prometheus.Collector{m.transitions, m.steps, &dbCollector{store: s, byStatus: byStatus, depth: depth}} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *engineMetrics) started(status string) {
	m.transitions.WithLabelValues("started", status).Inc()
}
func (m *engineMetrics) ended(status string) { m.transitions.WithLabelValues("ended", status).Inc() }

func (m *engineMetrics) stepDone(typ string, d time.Duration, ok bool) {
	outcome := "success"
	if !ok {
		outcome = "error"
	}
	m.steps.WithLabelValues(typ, outcome).Observe(d.Seconds())
}

// dbCollector reads the run counts and queue depth when scraped.
type dbCollector struct {
	store    *store.Store
	byStatus *prometheus.Desc
	depth    *prometheus.Desc
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.byStatus; ch <- c.depth }

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := c.store.WorkflowRunCounts(ctx)
	if err == nil {
		for _, st := range RunStatuses {
			ch <- prometheus.MustNewConstMetric(c.byStatus, prometheus.GaugeValue, float64(counts[st]), st)
		}
	}
	if n, err := c.store.JobQueueDepth(ctx, RunArgs{}.Kind()); err == nil {
		ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(n))
	}
}
