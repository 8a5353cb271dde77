package metrics

import (
	"database/sql"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/roster-crm/roster/internal/store"
)

// DBStatsCollector reports database/sql pool statistics, read from
// (*sql.DB).Stats at scrape time so there is no background goroutine and the
// numbers are never stale. Each pool is labelled pool=<name>.
type DBStatsCollector struct {
	pools []namedPool

	maxOpen      *prometheus.Desc
	open         *prometheus.Desc
	inUse        *prometheus.Desc
	idle         *prometheus.Desc
	waitCount    *prometheus.Desc
	waitDuration *prometheus.Desc
}

type namedPool struct {
	name string
	db   *sql.DB
}

// NewDBStatsCollector returns a collector over the given pools, keyed by the
// label value to report them under.
func NewDBStatsCollector(pools map[string]*sql.DB) *DBStatsCollector {
	c := &DBStatsCollector{
		maxOpen:      desc("roster_db_pool_max_open_connections", "Maximum number of open connections allowed in the pool."),
		open:         desc("roster_db_pool_open_connections", "Connections open in the pool, in use or idle."),
		inUse:        desc("roster_db_pool_in_use_connections", "Connections currently in use."),
		idle:         desc("roster_db_pool_idle_connections", "Idle connections in the pool."),
		waitCount:    desc("roster_db_pool_wait_count_total", "Times a caller waited for a connection."),
		waitDuration: desc("roster_db_pool_wait_duration_seconds_total", "Total time callers waited for a connection."),
	}
	for name, db := range pools {
		c.pools = append(c.pools, namedPool{name: name, db: db})
	}
	return c
}

func desc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, []string{"pool"}, nil)
}

// Describe implements prometheus.Collector.
func (c *DBStatsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.maxOpen, c.open, c.inUse, c.idle, c.waitCount, c.waitDuration} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *DBStatsCollector) Collect(ch chan<- prometheus.Metric) {
	for _, p := range c.pools {
		st := p.db.Stats()
		ch <- prometheus.MustNewConstMetric(c.maxOpen, prometheus.GaugeValue, float64(st.MaxOpenConnections), p.name)
		ch <- prometheus.MustNewConstMetric(c.open, prometheus.GaugeValue, float64(st.OpenConnections), p.name)
		ch <- prometheus.MustNewConstMetric(c.inUse, prometheus.GaugeValue, float64(st.InUse), p.name)
		ch <- prometheus.MustNewConstMetric(c.idle, prometheus.GaugeValue, float64(st.Idle), p.name)
		ch <- prometheus.MustNewConstMetric(c.waitCount, prometheus.CounterValue, float64(st.WaitCount), p.name)
		ch <- prometheus.MustNewConstMetric(c.waitDuration, prometheus.CounterValue, st.WaitDuration.Seconds(), p.name)
	}
}

// RegisterStore registers pool gauges for the store: pool="write" and, when
// the store has a separate reader pool (SQLite), pool="read". On PostgreSQL
// both handles are one pool, reported once as "write" so sums stay honest.
func (r *Registry) RegisterStore(s *store.Store) error {
	pools := map[string]*sql.DB{"write": s.Write}
	if s.Read != nil && s.Read != s.Write {
		pools["read"] = s.Read
	}
	if err := r.Register(NewDBStatsCollector(pools)); err != nil {
		return fmt.Errorf("metrics: register db pool stats: %w", err)
	}
	return nil
}
