package whopsync

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// triggerLimiter bounds manual sync triggers per workspace: a sync is heavy
// on Whop's rate limits, and a stuck button should not queue hundreds.
type triggerLimiter struct {
	max    int
	window time.Duration
	mu     sync.Mutex
	hits   map[string][]time.Time
}

func newTriggerLimiter(max int, window time.Duration) *triggerLimiter {
	return &triggerLimiter{max: max, window: window, hits: map[string][]time.Time{}}
}

// allow records a trigger and reports whether it is within the limit, and if
// not, how long until the next one is.
func (l *triggerLimiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.hits[key][:0]
	for _, t := range l.hits[key] {
		if now.Sub(t) < l.window {
			recent = append(recent, t)
		}
	}
	if len(recent) >= l.max {
		l.hits[key] = recent
		return false, l.window - now.Sub(recent[0])
	}
	l.hits[key] = append(recent, now)
	return true, 0
}

type netPrefix = netip.Prefix

func parseCIDRs(list []string) ([]*netPrefix, error) {
	var out []*netPrefix
	for _, c := range list {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		p, err := netip.ParsePrefix(c)
		if err != nil {
			a, aerr := netip.ParseAddr(c)
			if aerr != nil {
				return nil, fmt.Errorf("whopsync: webhook allowlist entry %q is not an address or CIDR", c)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, &p)
	}
	return out, nil
}

// allowedIP reports whether a webhook from remoteAddr passes the allowlist
// (an empty list allows everyone).
func (s *Service) allowedIP(remoteAddr string) bool {
	if len(s.allowed) == 0 {
		return true
	}
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.allowed {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
