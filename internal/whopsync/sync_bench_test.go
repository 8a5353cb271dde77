package whopsync_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/whop/whopsim"
	"github.com/roster-crm/roster/internal/whopsync"
)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// BenchmarkFullSync syncs a generated company from the simulator (rate
// limiting off) and then re-syncs it unchanged. Sizes come from
// ROSTER_BENCH_USERS / _MEMBERSHIPS / _PAYMENTS (the goal in the issue:
// 50,000 / 100,000 / 200,000); defaults are small. It reports the full sync's
// seconds, API page requests against the minimum, and the re-sync's seconds
// and writes (must be 0).
func BenchmarkFullSync(b *testing.B) {
	users := envInt("ROSTER_BENCH_USERS", 2000)
	mems := envInt("ROSTER_BENCH_MEMBERSHIPS", 4000)
	pays := envInt("ROSTER_BENCH_PAYMENTS", 8000)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := benchStore(b)
		e := newEnv(b, s, envOpts{users: users, memberships: 1, noQueue: true})
		// A fresh company of the requested size beside the small default one.
		gen := e.sim.Generate(whopsim.GenerateParams{CompanyID: "biz_bench", Users: users, Memberships: mems, Payments: pays})
		e.company = gen.CompanyID
		e.sim.AddAPIKey(whopsim.APIKey{Key: e.apiKey + "_bench", CompanyID: gen.CompanyID})
		e.apiKey += "_bench"
		e.connect()
		e.sim.ResetRequests()
		ctx := context.Background()
		b.StartTimer()
		start := time.Now()
		run := e.sync()
		full := time.Since(start)
		b.StopTimer()
		if run.Status != store.SyncSucceeded {
			b.Fatalf("sync %s: %v", run.Status, run.Errors)
		}
		c := gen.Counts
		min := pagesFor(c.Products) + pagesFor(c.Plans) + pagesFor(c.Members) + pagesFor(c.Memberships) + pagesFor(c.Payments)
		start = time.Now()
		again, err := e.svc.StartRun(ctx, e.ws, whopsync.RunFull)
		if err != nil {
			b.Fatal(err)
		}
		if again, err = e.svc.RunSync(ctx, e.ws, again.ID, nil); err != nil {
			b.Fatal(err)
		}
		resync := time.Since(start)
		b.ReportMetric(full.Seconds(), "full-s")
		b.ReportMetric(float64(run.RequestsCount), "requests")
		b.ReportMetric(float64(min), "min-requests")
		b.ReportMetric(resync.Seconds(), "resync-s")
		b.ReportMetric(float64(again.WritesCount), "resync-writes")
		b.Logf("%d users, %d members, %d memberships, %d payments: full %s (%d requests, minimum %d), re-sync %s with %d writes",
			c.Users, c.Members, c.Memberships, c.Payments, full, run.RequestsCount, min, resync, again.WritesCount)
	}
}
