package whop

import (
	"context"
	"sync"
	"time"
)

// Whop allows 600 requests per minute per endpoint per credential. The default
// bucket refills at 590/min with a burst of 10, so in any 60-second window one
// client sends at most 10 + 590 = 600 requests to an endpoint; that holds
// across a burst and a steady stream alike.
const (
	DefaultRatePerMinute = 590
	DefaultBurst         = 10
)

// limiter is a token bucket per endpoint. Callers reserve a token (the count
// may go negative) and then sleep until it is theirs, so concurrent callers
// queue fairly without holding the lock while they wait.
type limiter struct {
	perSecond float64
	burst     float64
	now       func() time.Time
	sleep     func(context.Context, time.Duration) error

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(perMinute, burst int, now func() time.Time, sleep func(context.Context, time.Duration) error) *limiter {
	if perMinute <= 0 {
		return nil
	}
	if burst <= 0 {
		burst = 1
	}
	return &limiter{
		perSecond: float64(perMinute) / 60,
		burst:     float64(burst),
		now:       now,
		sleep:     sleep,
		buckets:   map[string]*bucket{},
	}
}

// wait blocks until endpoint may send one request. A nil limiter never waits.
func (l *limiter) wait(ctx context.Context, endpoint string) error {
	if l == nil {
		return nil
	}
	d := l.reserve(endpoint)
	if d <= 0 {
		return nil
	}
	return l.sleep(ctx, d)
}

func (l *limiter) reserve(endpoint string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(endpoint)
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / l.perSecond * float64(time.Second))
}

// pause empties endpoint's bucket so the next request waits at least d: used
// when Whop answers 429, so every caller of that endpoint backs off, not only
// the one that was refused.
func (l *limiter) pause(endpoint string, d time.Duration) {
	if l == nil || d <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(endpoint)
	owed := -d.Seconds() * l.perSecond
	if b.tokens > owed {
		b.tokens = owed
	}
}

func (l *limiter) refill(endpoint string) *bucket {
	now := l.now()
	b, ok := l.buckets[endpoint]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[endpoint] = b
		return b
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens += elapsed * l.perSecond
		if b.tokens > l.burst {
			b.tokens = l.burst
		}
		b.last = now
	}
	return b
}
