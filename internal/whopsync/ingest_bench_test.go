package whopsync_test

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whop"
)

// benchStore is SQLite, or PostgreSQL with ROSTER_BENCH_POSTGRES=1.
func benchStore(b *testing.B) *store.Store {
	if os.Getenv("ROSTER_BENCH_POSTGRES") != "" {
		return storetest.NewPostgres(b)
	}
	return storetest.NewSQLite(b)
}

// BenchmarkWebhookIngest measures verified webhook intake over real HTTP
// (the test server hands each request to AcceptWebhook, as the app does):
// signature check, inbox insert and job enqueue in one transaction, 200.
// 32 concurrent senders; reports events/s and latency percentiles, and
// checks that every event was stored exactly once.
func BenchmarkWebhookIngest(b *testing.B) {
	s := benchStore(b)
	e := newEnv(b, s, envOpts{users: 5, memberships: 5, noQueue: false})
	e.connect()
	e.queue.Stop(b.Context()) // measure intake alone; processing is a separate cost
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var seq atomic.Int64
	lat := make([]time.Duration, 0, b.N)
	var mu sync.Mutex
	url := e.roster.URL + "/webhooks/whop/" + e.ws
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	per := (b.N + 31) / 32
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				n := seq.Add(1)
				if n > int64(b.N) {
					return
				}
				id := "msg_bench_" + strconv.FormatInt(n, 10)
				body := []byte(fmt.Sprintf(`{"id":%q,"api_version":"v1","type":"payment.succeeded","timestamp":"2026-01-01T00:00:00.000Z","company_id":%q,"data":{"id":"pay_%d","status":"paid"}}`, id, e.company, n))
				req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
				ts := time.Now().Unix()
				req.Header.Set(whop.HeaderWebhookID, id)
				req.Header.Set(whop.HeaderWebhookTimestamp, strconv.FormatInt(ts, 10))
				req.Header.Set(whop.HeaderWebhookSignature, whop.SignStandard(e.secret, id, ts, body))
				t0 := time.Now()
				resp, err := client.Do(req)
				d := time.Since(t0)
				if err != nil || resp.StatusCode != 200 {
					b.Errorf("delivery %d: %v %v", n, err, resp)
					return
				}
				resp.Body.Close()
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "events/s")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
	if n := e.count("whop_webhook_inbox"); n != b.N {
		b.Fatalf("inbox holds %d events; want %d (none lost, none doubled)", n, b.N)
	}
}
