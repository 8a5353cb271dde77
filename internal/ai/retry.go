package ai

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Roster retries provider calls itself (the SDKs are told not to) so that
// a 429 for an exhausted quota or spend limit is never retried while a
// 429 for a rate limit, a 5xx and Anthropic's 529 are. The wait honours
// retry-after-ms, then retry-after; without either it backs off from half
// a second, doubling, up to 8 s. A server asking for more than maxWait is
// not waited for: the call fails as RATE_LIMITED with its RetryAfter.
const (
	baseBackoff = 500 * time.Millisecond
	maxBackoff  = 8 * time.Second
	maxWait     = 30 * time.Second
)

// verdict is how a failed attempt is handled.
type verdict struct {
	err   *Error
	retry bool
	// wait is what the server asked for (0: back off).
	wait time.Duration
}

// withRetries runs call until it succeeds, fails for good, or used
// retries; classify turns an SDK error into a verdict.
func withRetries[T any](ctx context.Context, retries int, call func() (T, error), classify func(error) verdict) (T, error) {
	var zero T
	for attempt := 0; ; attempt++ {
		v, err := call()
		if err == nil {
			return v, nil
		}
		if ctx.Err() != nil {
			return zero, ctx.Err()
		}
		vd := classify(err)
		if !vd.retry || attempt >= retries || vd.wait > maxWait {
			return zero, vd.err
		}
		wait := vd.wait
		if wait <= 0 {
			wait = min(maxBackoff, baseBackoff<<attempt)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return zero, ctx.Err()
		case <-t.C:
		}
	}
}

// retryAfter reads retry-after-ms, then retry-after (seconds or an HTTP
// date), from a provider's answer.
func retryAfter(h http.Header) time.Duration {
	if h == nil {
		return 0
	}
	if ms, err := strconv.ParseFloat(h.Get("Retry-After-Ms"), 64); err == nil && ms >= 0 {
		return time.Duration(ms * float64(time.Millisecond))
	}
	v := h.Get("Retry-After")
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, time.Until(t))
	}
	return 0
}

// keyPattern finds API keys providers echo in messages ("Incorrect API
// key provided: sk-abc...xyz").
var keyPattern = regexp.MustCompile(`\b(sk|sk-ant|sk-proj)-[A-Za-z0-9_\-*.]{4,}`)

// scrub removes the key (and anything that looks like one) from a
// provider's message before it reaches a log, a usage row or a user.
func scrub(msg, key string) string {
	if key != "" {
		msg = strings.ReplaceAll(msg, key, "[key]")
	}
	msg = keyPattern.ReplaceAllString(msg, "[key]")
	return cut(msg, 500)
}

// apiFailure is a provider's error answer, as both SDKs report it.
type apiFailure struct {
	provider string
	status   int
	code     string // the provider's most specific code
	message  string
	header   http.Header
	// exhausted marks a quota or spend limit: a 429 that waiting does not
	// cure (OpenAI insufficient_quota, Anthropic *_spend_limit_reached).
	exhausted bool
}

// verdictOf decides how a provider's error answer is handled: rate limits,
// 5xx, 408, 409 and 529 are retried (unless x-should-retry says no),
// exhausted quotas and everything else are not. The message is scrubbed
// of the key.
func verdictOf(f apiFailure, key string) verdict {
	if f.code == "" {
		f.code = strconv.Itoa(f.status)
	}
	if f.message == "" {
		f.message = http.StatusText(f.status)
	}
	e := &Error{Status: StatusError, Code: f.code, Provider: f.provider, Message: scrub(f.message, key), RetryAfter: retryAfter(f.header)}
	switch {
	case f.status == http.StatusTooManyRequests && f.exhausted:
		return verdict{err: e}
	case f.status == http.StatusTooManyRequests:
		e.Status = StatusRateLimited
		return verdict{err: e, retry: shouldRetry(f.header, true), wait: e.RetryAfter}
	case f.status >= 500 || f.status == http.StatusRequestTimeout || f.status == http.StatusConflict:
		return verdict{err: e, retry: shouldRetry(f.header, true), wait: e.RetryAfter}
	}
	return verdict{err: e}
}

// networkVerdict is a failure without an answer (a refused connection, a
// timeout of one attempt): worth another try.
func networkVerdict(provider string, err error, key string) verdict {
	return verdict{err: &Error{Status: StatusError, Code: "NETWORK", Provider: provider, Message: scrub(err.Error(), key)}, retry: true}
}

// shouldRetry honours a provider's x-should-retry header over the status.
func shouldRetry(h http.Header, def bool) bool {
	switch h.Get("X-Should-Retry") {
	case "true":
		return true
	case "false":
		return false
	}
	return def
}
