package web

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// attemptLimiter bounds failed attempts per key (sign-in: per address and
// email) within a window, so passwords cannot be guessed at speed.
type attemptLimiter struct {
	max    int
	window time.Duration
	mu     sync.Mutex
	fails  map[string][]time.Time
}

func newAttemptLimiter(max int, window time.Duration) *attemptLimiter {
	return &attemptLimiter{max: max, window: window, fails: map[string][]time.Time{}}
}

// blocked reports whether key has used up its attempts.
func (l *attemptLimiter) blocked(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.fails[key][:0]
	for _, t := range l.fails[key] {
		if now.Sub(t) < l.window {
			recent = append(recent, t)
		}
	}
	l.fails[key] = recent
	return len(recent) >= l.max
}

// fail records a failed attempt.
func (l *attemptLimiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.fails) > 100_000 {
		l.fails = map[string][]time.Time{} // bound memory under a spray
	}
	l.fails[key] = append(l.fails[key], now)
}

// reset forgets a key after a success.
func (l *attemptLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
