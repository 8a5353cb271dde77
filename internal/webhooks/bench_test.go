package webhooks_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// benchDeliveries is how many deliveries one benchmark run makes.
const benchDeliveries = 10_000

// BenchmarkDeliveries writes 10,000 people (batches of 500, as createPeople
// calls would) with one webhook on person.created pointing at a receiver on
// this machine (private networks allowed, as ROSTER_ALLOW_PRIVATE_NETWORK
// does), and measures until the receiver has all 10,000 signed deliveries:
// deliveries per second from the first write to the last receipt, and the
// latency of each delivery from its event's commit timestamp to its
// receipt (p50, p99), which includes the wait in River's queue.
//
//	go test -run '^$' -bench Deliveries -benchtime 1x ./internal/webhooks/
func BenchmarkDeliveries(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchDeliveriesOn(b, func() *store.Store { return storetest.NewSQLite(b) }) })
	b.Run("postgres", func(b *testing.B) {
		if !storetest.PostgresEnabled(b) {
			b.Skip(storetest.NotRunning)
		}
		benchDeliveriesOn(b, func() *store.Store { return storetest.NewPostgres(b) })
	})
}

func benchDeliveriesOn(b *testing.B, open func() *store.Store) {
	for range b.N {
		b.StopTimer()
		h := newHarness(b, open(), harnessOptions{Quiet: true})
		var (
			mu        sync.Mutex
			latencies []time.Duration
			last      time.Time
		)
		rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var p struct {
				Timestamp time.Time `json:"timestamp"`
			}
			body, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(body, &p)
			now := time.Now()
			mu.Lock()
			latencies = append(latencies, now.Sub(p.Timestamp))
			last = now
			mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		}))
		h.createHook(h.admin, rc.URL, "person.created")
		names := make([]string, 500)
		for i := range names {
			names[i] = fmt.Sprintf("P%d", i)
		}
		b.StartTimer()
		start := time.Now()
		for range benchDeliveries / len(names) {
			h.createPeople(h.ws, names...)
		}
		wrote := time.Since(start)
		poll.Until(b, 10*time.Minute, func() error {
			mu.Lock()
			defer mu.Unlock()
			if len(latencies) < benchDeliveries {
				return fmt.Errorf("receiver has %d of %d deliveries", len(latencies), benchDeliveries)
			}
			return nil
		})
		b.StopTimer()
		mu.Lock()
		total := last.Sub(start)
		slices.Sort(latencies)
		p50, p99 := latencies[len(latencies)/2], latencies[len(latencies)*99/100]
		mu.Unlock()
		b.ReportMetric(float64(benchDeliveries)/total.Seconds(), "deliveries/s")
		b.ReportMetric(float64(p50.Milliseconds()), "p50-ms")
		b.ReportMetric(float64(p99.Milliseconds()), "p99-ms")
		b.ReportMetric(wrote.Seconds(), "write-s")
		rc.Close()
	}
}
