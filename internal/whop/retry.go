package whop

import (
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

func defaultJitter() float64 { return rand.Float64() }

// tryAgainRE reads the wait from Whop's 429 message, "Try again in 12 seconds."
var tryAgainRE = regexp.MustCompile(`(?i)try again in (\d+(?:\.\d+)?)\s*(second|sec|s\b|minute|min)`)

// retryAfter returns how long a 429 asks us to wait: the Retry-After header
// (seconds or an HTTP date) when present, else the seconds in Whop's message.
// ok is false when neither says, and the caller backs off on its own.
func retryAfter(h http.Header, message string, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
			return time.Duration(secs * float64(time.Second)), true
		}
		if t, err := http.ParseTime(v); err == nil {
			d := t.Sub(now)
			if d < 0 {
				d = 0
			}
			return d, true
		}
	}
	if m := tryAgainRE.FindStringSubmatch(message); m != nil {
		n, err := strconv.ParseFloat(m[1], 64)
		if err == nil {
			d := time.Duration(n * float64(time.Second))
			if strings.HasPrefix(strings.ToLower(m[2]), "min") {
				d *= 60
			}
			return d, true
		}
	}
	return 0, false
}
