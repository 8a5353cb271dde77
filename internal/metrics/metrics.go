// Package metrics owns the process's Prometheus registry. It is created once by
// the composition root and handed to every package that records metrics, so
// tests can build as many independent registries as they like (no globals, no
// prometheus.DefaultRegisterer).
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry is the process's Prometheus registry with Roster's HTTP metrics
// already registered. It embeds *prometheus.Registry, so it is a
// prometheus.Registerer and prometheus.Gatherer for packages that register
// their own collectors (jobs, integrations).
type Registry struct {
	*prometheus.Registry

	httpDuration *prometheus.HistogramVec
}

// New returns a registry with the Go runtime and process collectors and the
// HTTP request histogram registered.
func New() *Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "roster_http_request_duration_seconds",
		Help:    "Time to serve an HTTP request, by matched route pattern, method and status code.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"route", "method", "status"})
	reg.MustRegister(h)
	return &Registry{Registry: reg, httpDuration: h}
}

// ObserveHTTP records one served request. route must be a registered mux
// pattern (or a fixed placeholder such as "unmatched"), never a raw path, so
// the label set stays bounded.
func (r *Registry) ObserveHTTP(route, method string, status int, d time.Duration) {
	r.httpDuration.WithLabelValues(route, method, strconv.Itoa(status)).Observe(d.Seconds())
}

// Handler serves the registry in the Prometheus exposition format.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.Registry, promhttp.HandlerOpts{Registry: r.Registry})
}
