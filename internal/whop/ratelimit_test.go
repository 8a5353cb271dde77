package whop

import (
	"context"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"
)

// maxInWindow is the largest number of times falling in any window of length w.
func maxInWindow(times []time.Time, w time.Duration) int {
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	best, j := 0, 0
	for i := range times {
		for times[i].Sub(times[j]) >= w {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

func TestLimiterStaysUnderWhopBudget(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	l := newLimiter(DefaultRatePerMinute, DefaultBurst, clock.Now, clock.Sleep)
	ctx := context.Background()
	start := clock.Now()
	var sent []time.Time
	for range 2000 {
		if err := l.wait(ctx, routeListMemberships); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, clock.Now())
	}
	if got := maxInWindow(sent, time.Minute); got > 600 {
		t.Errorf("max requests in a 60 s window = %d; want <= 600", got)
	}
	// And it is not needlessly slow: 2000 requests need (2000-10)/590 minutes.
	elapsed := clock.Now().Sub(start)
	n := 2000 - DefaultBurst
	want := time.Duration(float64(n) / DefaultRatePerMinute * float64(time.Minute))
	if elapsed > want+time.Second || elapsed < want-time.Second {
		t.Errorf("2000 requests took %v; want about %v", elapsed, want)
	}
	// Another endpoint has its own bucket: its burst goes through at once.
	before := len(clock.Sleeps())
	for range DefaultBurst {
		if err := l.wait(ctx, routeListPayments); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(clock.Sleeps()) - before; got != 0 {
		t.Errorf("sleeps for a fresh endpoint's burst = %d; want 0", got)
	}
}

func TestLimiterConcurrentCallersQueue(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	l := newLimiter(60, 1, clock.Now, func(context.Context, time.Duration) error { return nil })
	var wg sync.WaitGroup
	var mu sync.Mutex
	var waits []time.Duration
	for range 5 {
		wg.Go(func() {
			d := l.reserve("e")
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
		})
	}
	wg.Wait()
	sort.Slice(waits, func(i, j int) bool { return waits[i] < waits[j] })
	for i, d := range waits {
		if want := time.Duration(i) * time.Second; d != want {
			t.Errorf("wait %d = %v; want %v", i, d, want)
		}
	}
}

func TestLimiterPause(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	l := newLimiter(600, 10, clock.Now, clock.Sleep)
	l.pause("e", 12*time.Second)
	if err := l.wait(context.Background(), "e"); err != nil {
		t.Fatal(err)
	}
	if got := clock.Sleeps(); len(got) != 1 || got[0] < 12*time.Second || got[0] > 12*time.Second+200*time.Millisecond {
		t.Errorf("sleeps after pause(12s) = %v; want one of about 12 s", got)
	}
	var off *limiter
	if err := off.wait(context.Background(), "e"); err != nil {
		t.Errorf("nil limiter wait = %v; want nil", err)
	}
}

func TestClientLimiterPerEndpoint(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	var mu sync.Mutex
	sent := map[string][]time.Time{}
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent[r.URL.Path] = append(sent[r.URL.Path], clock.Now())
		mu.Unlock()
		okMembership(w, r)
	})
	c := testClient(t, srv, clock, func(cfg *ClientConfig) { cfg.RatePerMinute = 0 }) // default limiter
	ctx := context.Background()
	for range 700 {
		if _, err := c.GetMembership(ctx, "mem_1"); err != nil {
			t.Fatal(err)
		}
	}
	if got := maxInWindow(sent["/api/v1/memberships/mem_1"], time.Minute); got > 600 {
		t.Errorf("max GET /memberships/{id} in 60 s = %d; want <= 600", got)
	}
	slept := len(clock.Sleeps())
	if slept == 0 {
		t.Error("client never waited for the limiter; want waits after the burst")
	}
	for range DefaultBurst {
		if _, err := c.GetPayment(ctx, "pay_1"); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(clock.Sleeps()); got != slept {
		t.Errorf("GET /payments/{id} waited %d times; want 0 (own bucket)", got-slept)
	}
}
