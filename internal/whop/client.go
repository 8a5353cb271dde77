package whop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Defaults for ClientConfig.
const (
	DefaultBaseURL        = "https://api.whop.com/api/v1"
	DefaultAPIVersionDate = "2025-01-01"
	DefaultMaxRetries     = 5
	// maxBodyBytes bounds a response read; a page of 100 memberships is
	// well under 1 MiB.
	maxBodyBytes = 32 << 20
)

// ClientConfig wires a Client. Zero values pick the documented defaults.
type ClientConfig struct {
	// BaseURL is the v1 API root (WHOP_API_BASE_URL, loaded by config);
	// default DefaultBaseURL. Point it at the simulator or the sandbox.
	BaseURL string
	// APIVersionDate is sent as Api-Version-Date on every request
	// (WHOP_API_VERSION_DATE); default "2025-01-01", the model the types in
	// this package describe.
	APIVersionDate string
	// HTTPClient defaults to a client with a 30 s timeout.
	HTTPClient *http.Client
	// Token supplies the bearer credential. Required.
	Token TokenSource
	// CompanyID (biz_...) is sent as company_id on list endpoints; Whop
	// requires it with a company API key.
	CompanyID string
	// RatePerMinute and Burst size the per-endpoint token bucket; defaults
	// DefaultRatePerMinute and DefaultBurst (at most 600 requests in any
	// minute). A negative RatePerMinute disables client-side limiting (for a
	// simulator run without limits).
	RatePerMinute int
	Burst         int
	// MaxRetries bounds retries of 429, 5xx, network errors and a malformed
	// body; default DefaultMaxRetries, negative means none. The one retry
	// after a token refresh is not counted.
	MaxRetries int
	// BaseBackoff and MaxBackoff shape the exponential backoff (defaults
	// 500 ms and 30 s); each wait is drawn from [d/2, d].
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	// MaxRetryAfter is the longest 429 wait the client sits out (default
	// 2 min); a longer Retry-After returns the 429 to the caller, whose job
	// can be rescheduled instead of holding a worker.
	MaxRetryAfter time.Duration
	// Metrics, when set, receives roster_whop_requests_total and
	// roster_whop_request_duration_seconds.
	Metrics prometheus.Registerer
	// Logger receives retry notices; default discards. Never sees tokens.
	Logger *slog.Logger
	// Now and Sleep replace the clock in tests. Sleep must return ctx.Err()
	// when ctx ends first.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1) for backoff jitter; default
	// math/rand/v2.
	Jitter func() float64
}

// Client calls Whop's v1 REST API. It is safe for concurrent use; make one per
// credential, since Whop's rate limits are per credential.
type Client struct {
	base        *url.URL
	versionDate string
	http        *http.Client
	token       TokenSource
	companyID   string
	maxRetries  int
	baseBackoff time.Duration
	maxBackoff  time.Duration
	maxRetryAft time.Duration
	limiter     *limiter
	metrics     *clientMetrics
	log         *slog.Logger
	now         func() time.Time
	sleep       func(context.Context, time.Duration) error
	jitter      func() float64
}

// NewClient validates cfg and returns a Client.
func NewClient(cfg ClientConfig) (*Client, error) {
	if cfg.Token == nil {
		return nil, errors.New("whop: new client: no token source")
	}
	raw := strings.TrimRight(cmp(cfg.BaseURL, DefaultBaseURL), "/")
	base, err := url.Parse(raw)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("whop: new client: base URL %q is not an absolute URL", raw)
	}
	c := &Client{
		base:        base,
		versionDate: cmp(cfg.APIVersionDate, DefaultAPIVersionDate),
		http:        cfg.HTTPClient,
		token:       cfg.Token,
		companyID:   cfg.CompanyID,
		maxRetries:  cfg.MaxRetries,
		baseBackoff: cfg.BaseBackoff,
		maxBackoff:  cfg.MaxBackoff,
		maxRetryAft: cfg.MaxRetryAfter,
		log:         cfg.Logger,
		now:         cfg.Now,
		sleep:       cfg.Sleep,
		jitter:      cfg.Jitter,
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: 30 * time.Second}
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.baseBackoff <= 0 {
		c.baseBackoff = 500 * time.Millisecond
	}
	if c.maxBackoff <= 0 {
		c.maxBackoff = 30 * time.Second
	}
	if c.maxRetryAft <= 0 {
		c.maxRetryAft = 2 * time.Minute
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
	if c.jitter == nil {
		c.jitter = defaultJitter
	}
	rate, burst := cfg.RatePerMinute, cfg.Burst
	if rate == 0 {
		rate = DefaultRatePerMinute
	}
	if burst == 0 {
		burst = DefaultBurst
	}
	c.limiter = newLimiter(rate, burst, c.now, c.sleep)
	c.metrics = newClientMetrics(cfg.Metrics)
	return c, nil
}

// CompanyID returns the company the client lists for.
func (c *Client) CompanyID() string { return c.companyID }

func cmp(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// get performs one logical GET: rate limiting, retries, one refresh on 401,
// and decoding into out. endpoint is the route template used for limiting,
// metrics and errors; path is the concrete path under the base URL.
func (c *Client) get(ctx context.Context, endpoint, path string, q url.Values, out any) error {
	return c.do(ctx, request{method: http.MethodGet, endpoint: endpoint, path: path, query: q}, out)
}

// request is one logical call to the API. A body is sent as JSON; a
// non-empty idempotencyKey makes a retried write safe (Whop's
// Idempotency-Key header), so writes get the same retries as reads.
type request struct {
	method, endpoint, path string
	query                  url.Values
	body                   []byte
	idempotencyKey         string
}

// do performs one logical request: rate limiting, retries, one refresh on
// 401, and decoding of a 2xx body into out.
func (c *Client) do(ctx context.Context, rq request, out any) error {
	endpoint, q := rq.endpoint, rq.query
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + rq.path
	u.RawQuery = q.Encode()
	target := u.String()

	token, err := c.token.Token(ctx)
	if err != nil {
		return c.tokenError(endpoint, err)
	}
	var (
		attempt       int  // retries spent on 429, 5xx, network and bad bodies
		refreshed     bool // the one refresh after a 401 has happened
		decodeRetried bool // the one retry after a malformed 2xx body has happened
	)
	for {
		if err := c.limiter.wait(ctx, endpoint); err != nil {
			return fmt.Errorf("whop: %s: %w", endpoint, err)
		}
		res, err := c.send(ctx, rq, target, token)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("whop: %s: %w", endpoint, ctx.Err())
			}
			if attempt >= c.maxRetries {
				return fmt.Errorf("whop: %s: %w", endpoint, err)
			}
			if err := c.backoff(ctx, endpoint, "network error", c.backoffDelay(attempt), attempt); err != nil {
				return err
			}
			attempt++
			continue
		}

		switch s := res.status; {
		case s >= 200 && s < 300:
			err := res.readErr
			if err == nil {
				err = json.Unmarshal(res.body, out)
			}
			if err == nil {
				return nil
			}
			if !decodeRetried && c.maxRetries > 0 {
				decodeRetried = true
				c.log.WarnContext(ctx, "whop: malformed response body, retrying once", "endpoint", endpoint, "status", s)
				continue
			}
			return fmt.Errorf("whop: %s: %w: %v", endpoint, ErrBadResponse, err)

		case s == http.StatusUnauthorized:
			apiErr := res.apiError(endpoint)
			if refreshed {
				return &ReauthRequiredError{Reason: "credential rejected after refresh", Err: apiErr}
			}
			refreshed = true
			token, err = c.token.Refresh(ctx)
			if err != nil {
				return c.tokenError(endpoint, err)
			}
			continue

		case s == http.StatusTooManyRequests:
			apiErr := res.apiError(endpoint)
			d, ok := retryAfter(res.header, apiErr.Message, c.now())
			if !ok {
				d = c.backoffDelay(attempt)
			}
			if attempt >= c.maxRetries || d > c.maxRetryAft {
				return apiErr
			}
			c.limiter.pause(endpoint, d)
			if err := c.backoff(ctx, endpoint, "rate limited", d, attempt); err != nil {
				return err
			}
			attempt++
			continue

		case s >= 500:
			if attempt >= c.maxRetries {
				return res.apiError(endpoint)
			}
			if err := c.backoff(ctx, endpoint, "server error "+strconv.Itoa(s), c.backoffDelay(attempt), attempt); err != nil {
				return err
			}
			attempt++
			continue

		default:
			return res.apiError(endpoint)
		}
	}
}

// tokenError shapes a TokenSource failure: anything that proves the grant is
// dead becomes a ReauthRequiredError; other failures (a network error while
// refreshing) stay retryable by the caller.
func (c *Client) tokenError(endpoint string, err error) error {
	var re *ReauthRequiredError
	if errors.As(err, &re) {
		return re
	}
	if errors.Is(err, ErrReauthRequired) {
		return &ReauthRequiredError{Reason: "token refresh failed", Err: err}
	}
	var oe *OAuthError
	if errors.As(err, &oe) && oe.Code == "invalid_grant" {
		return &ReauthRequiredError{Reason: "refresh token rejected", Err: err}
	}
	return fmt.Errorf("whop: %s: token: %w", endpoint, err)
}

type response struct {
	status  int
	header  http.Header
	body    []byte
	readErr error
}

// send makes one HTTP attempt and records it in the metrics. A response whose
// body cannot be read in full still counts as a response (readErr set), so a
// truncated 200 is handled as a malformed body rather than a network error.
func (c *Client) send(ctx context.Context, rq request, target, token string) (*response, error) {
	endpoint := rq.endpoint
	var reqBody io.Reader
	if rq.body != nil {
		reqBody = bytes.NewReader(rq.body)
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, target, reqBody)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	if rq.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if rq.idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", rq.idempotencyKey)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Api-Version-Date", c.versionDate)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "roster-whop/1")

	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		c.metrics.duration.WithLabelValues(endpoint).Observe(time.Since(start).Seconds())
		c.metrics.requests.WithLabelValues(endpoint, "error").Inc()
		return nil, redactURLError(err)
	}
	defer res.Body.Close()
	body, readErr := io.ReadAll(io.LimitReader(res.Body, maxBodyBytes))
	c.metrics.duration.WithLabelValues(endpoint).Observe(time.Since(start).Seconds())
	c.metrics.requests.WithLabelValues(endpoint, strconv.Itoa(res.StatusCode)).Inc()
	return &response{status: res.StatusCode, header: res.Header, body: body, readErr: readErr}, nil
}

// redactURLError drops the URL from a *url.Error: it holds cursors and
// company IDs, which are harmless, but keeping errors to the operation and
// cause keeps log lines short and predictable.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", strings.ToLower(ue.Op), ue.Err)
	}
	return err
}

// apiError decodes Whop's {"error":{"type","code","message"}} body. Bodies in
// other shapes (a plain string error, HTML from a proxy) still yield an
// APIError with the status.
func (r *response) apiError(endpoint string) *APIError {
	e := &APIError{Endpoint: endpoint, Status: r.status}
	var body struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(r.body, &body) == nil && len(body.Error) > 0 {
		var obj struct {
			Type    string `json:"type"`
			Code    any    `json:"code"`
			Message string `json:"message"`
		}
		var str string
		switch {
		case json.Unmarshal(body.Error, &obj) == nil:
			e.Type, e.Message = obj.Type, obj.Message
			if obj.Code != nil {
				e.Code = fmt.Sprint(obj.Code)
			}
		case json.Unmarshal(body.Error, &str) == nil:
			e.Message = str
		}
	}
	if r.status == http.StatusForbidden {
		e.Permission = findPermission(e.Message)
	}
	return e
}

func (c *Client) backoff(ctx context.Context, endpoint, reason string, d time.Duration, attempt int) error {
	c.log.InfoContext(ctx, "whop: retrying", "endpoint", endpoint, "reason", reason, "attempt", attempt+1, "delay", d)
	if err := c.sleep(ctx, d); err != nil {
		return fmt.Errorf("whop: %s: %w", endpoint, err)
	}
	return nil
}

// backoffDelay is exponential with jitter: base*2^attempt capped at
// maxBackoff, then drawn from [d/2, d] so a fleet of workers does not retry in
// lockstep.
func (c *Client) backoffDelay(attempt int) time.Duration {
	d := c.baseBackoff
	for i := 0; i < attempt && d < c.maxBackoff; i++ {
		d *= 2
	}
	if d > c.maxBackoff {
		d = c.maxBackoff
	}
	half := d / 2
	return half + time.Duration(c.jitter()*float64(d-half))
}
