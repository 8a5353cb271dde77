package whop

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// clientMetrics counts every HTTP attempt (retries included, so the counter is
// what Whop's rate limiter sees) by endpoint route and status.
type clientMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newClientMetrics(reg prometheus.Registerer) *clientMetrics {
	m := &clientMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "roster_whop_requests_total",
			Help: "HTTP requests sent to the Whop API, by endpoint route and status (\"error\" when no response arrived).",
		}, []string{"endpoint", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "roster_whop_request_duration_seconds",
			Help:    "Latency of single Whop API requests (one attempt), by endpoint route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"endpoint"}),
	}
	if reg == nil {
		return m
	}
	m.requests = register(reg, m.requests)
	m.duration = register(reg, m.duration)
	return m
}

// register registers c, or returns the collector already registered under the
// same name, so several clients (one per workspace) share one series set.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		// A conflicting registration (same name, other labels) is a
		// programming error; keep counting into the unregistered collector
		// rather than failing every Whop call over metrics.
	}
	return c
}
