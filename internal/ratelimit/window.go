// Package ratelimit counts events per key in a sliding window: failed
// sign-ins per address, sync triggers per workspace. It is in memory, per
// process: a bound against abuse, not an accounting system.
package ratelimit

import (
	"sync"
	"time"
)

// maxKeys bounds memory under a spray of distinct keys: past it the window
// forgets everything (briefly lenient rather than unbounded).
const maxKeys = 100_000

// Window allows at most Max events per key within Span.
type Window struct {
	max  int
	span time.Duration
	mu   sync.Mutex
	hits map[string][]time.Time
}

// New returns a window of max events per span.
func New(max int, span time.Duration) *Window {
	return &Window{max: max, span: span, hits: map[string][]time.Time{}}
}

// recent drops expired hits of key and returns the rest; mu is held.
func (w *Window) recent(key string, now time.Time) []time.Time {
	kept := w.hits[key][:0]
	for _, t := range w.hits[key] {
		if now.Sub(t) < w.span {
			kept = append(kept, t)
		}
	}
	w.hits[key] = kept
	return kept
}

// Blocked reports whether key has used up its events, and how long until
// the next one is allowed.
func (w *Window) Blocked(key string, now time.Time) (bool, time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r := w.recent(key, now)
	if len(r) < w.max {
		return false, 0
	}
	return true, w.span - now.Sub(r[0])
}

// Hit records an event of key.
func (w *Window) Hit(key string, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.hits) > maxKeys {
		w.hits = map[string][]time.Time{}
	}
	w.hits[key] = append(w.hits[key], now)
}

// Allow records an event of key when it is within the limit; otherwise it
// reports how long until the next one is allowed.
func (w *Window) Allow(key string, now time.Time) (bool, time.Duration) {
	if blocked, retry := w.Blocked(key, now); blocked {
		return false, retry
	}
	w.Hit(key, now)
	return true, 0
}

// Reset forgets key (after a successful sign-in).
func (w *Window) Reset(key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.hits, key)
}
