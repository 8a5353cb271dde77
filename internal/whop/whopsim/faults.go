package whopsim

import (
	"fmt"
	"sync"
	"time"
)

// Faults are misbehaviours the simulator can be told to show, to prove a
// client survives what Whop does on a bad day. Counters count down as the
// faults fire; SetFaults replaces the whole set.
type Faults struct {
	// ServerErrors makes the next N API requests (to ServerErrorEndpoint, or
	// any endpoint when empty) answer 500, 502, 503 in turn.
	ServerErrors        int
	ServerErrorEndpoint string
	// Latency is added (in real time) before every API and OAuth answer.
	Latency time.Duration
	// TruncateBodies makes the next N successful API answers announce their
	// full Content-Length and then send only half the body.
	TruncateBodies int
	// ExpireTokens answers 401 "expired" for every credential, valid or not,
	// until turned off. For a one-shot expiry use ExpireAccessTokens.
	ExpireTokens bool
	// WebhookDuplicates delivers every webhook twice: same webhook-id, a new
	// webhook-timestamp.
	WebhookDuplicates bool
	// WebhookReorder delivers each batch of events (one Tick) shuffled.
	WebhookReorder bool
	// WebhookStale signs deliveries with a timestamp 10 minutes in the past,
	// beyond the 300 s tolerance.
	WebhookStale bool
}

// SetFaults replaces the active faults.
func (s *Sim) SetFaults(f Faults) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = f
	s.burstN = 0
}

// Faults returns the active faults, with counters as they are now.
func (s *Sim) Faults() Faults { return s.currentFaults() }

func (s *Sim) currentFaults() Faults {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	return s.faults
}

func (s *Sim) injectLatency() {
	if d := s.currentFaults().Latency; d > 0 {
		time.Sleep(d)
	}
}

var burstStatuses = [...]int{500, 502, 503}

func (s *Sim) serverErrorFault(endpoint string) *apiError {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	f := &s.faults
	if f.ServerErrors <= 0 || (f.ServerErrorEndpoint != "" && f.ServerErrorEndpoint != endpoint) {
		return nil
	}
	f.ServerErrors--
	status := burstStatuses[s.burstN%len(burstStatuses)]
	s.burstN++
	return &apiError{status: status, typ: "internal_server_error", msg: fmt.Sprintf("Simulated server error (%d)", status)}
}

func (s *Sim) takeTruncation() bool {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if s.faults.TruncateBodies <= 0 {
		return false
	}
	s.faults.TruncateBodies--
	return true
}

// rateLimiter counts requests per endpoint per credential in fixed
// one-minute windows on the simulator clock.
type rateLimiter struct {
	mu      sync.Mutex
	windows map[string]*window
}

type window struct {
	start time.Time
	n     int
}

func newRateLimiter() *rateLimiter { return &rateLimiter{windows: map[string]*window{}} }

func (s *Sim) rateLimit(endpoint, token string) *apiError {
	limit := s.cfg.RateLimit
	if limit < 0 {
		return nil
	}
	now := s.clock()
	l := s.limiter
	l.mu.Lock()
	defer l.mu.Unlock()
	key := endpoint + "\x00" + token
	w, ok := l.windows[key]
	if !ok || !now.Before(w.start.Add(time.Minute)) {
		w = &window{start: now}
		l.windows[key] = w
	}
	w.n++
	if w.n <= limit {
		return nil
	}
	wait := int(w.start.Add(time.Minute).Sub(now).Seconds() + 0.999)
	wait = max(wait, 1)
	e := &apiError{status: 429, typ: "rate_limit_exceeded", msg: fmt.Sprintf("Try again in %d seconds.", wait)}
	if s.cfg.RetryAfterHeader {
		e.retryAfter = wait
	}
	return e
}
