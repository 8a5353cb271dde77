package whop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

const testToken = "apik_secret_test_key"

// scripted answers request i with steps[i] (the last step repeats).
func scripted(t *testing.T, steps ...http.HandlerFunc) *recorder {
	var n atomic.Int64
	return newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i >= len(steps) {
			i = len(steps) - 1
		}
		steps[i](w, r)
	})
}

func okMembership(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, exampleMembership)
}

func status(code int, typ, msg string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { writeError(w, code, typ, msg) }
}

func TestEveryRequestPinsVersionAndAuth(t *testing.T) {
	t.Parallel()
	srv := scripted(t, status(503, "", ""), status(401, "unauthorized", "expired"), okMembership)
	src := &staticSource{token: "tok_1", refreshed: []string{"tok_2"}}
	c := testClient(t, srv, newFakeClock(), func(cfg *ClientConfig) { cfg.Token = src })
	m, err := c.GetMembership(context.Background(), "mem_T4bXq1ZcLk9aP2")
	if err != nil {
		t.Fatalf("GetMembership: %v", err)
	}
	if m.Product.Title != "Pickaxe Analytics" {
		t.Errorf("Product.Title = %q; want Pickaxe Analytics", m.Product.Title)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("requests = %d; want 3", len(reqs))
	}
	wantAuth := []string{"Bearer tok_1", "Bearer tok_1", "Bearer tok_2"}
	for i, r := range reqs {
		if got := r.Header.Get("Api-Version-Date"); got != "2025-01-01" {
			t.Errorf("request %d Api-Version-Date = %q; want 2025-01-01", i, got)
		}
		if got := r.Header.Get("Authorization"); got != wantAuth[i] {
			t.Errorf("request %d Authorization = %q; want %q", i, got, wantAuth[i])
		}
		if r.Method != http.MethodGet || r.URL.Path != "/api/v1/memberships/mem_T4bXq1ZcLk9aP2" {
			t.Errorf("request %d = %s %s; want GET /api/v1/memberships/mem_T4bXq1ZcLk9aP2", i, r.Method, r.URL.Path)
		}
	}
}

func TestAPIVersionDateConfigurable(t *testing.T) {
	t.Parallel()
	srv := scripted(t, okMembership)
	c := testClient(t, srv, newFakeClock(), func(cfg *ClientConfig) { cfg.APIVersionDate = "2026-07-20" })
	if _, err := c.GetMembership(context.Background(), "mem_1"); err != nil {
		t.Fatal(err)
	}
	if got := srv.Requests()[0].Header.Get("Api-Version-Date"); got != "2026-07-20" {
		t.Errorf("Api-Version-Date = %q; want 2026-07-20", got)
	}
}

func TestRateLimitedRetries(t *testing.T) {
	t.Parallel()
	withRetryAfter := func(v string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", v)
			writeError(w, 429, "rate_limit_exceeded", "Try again in 12 seconds.")
		}
	}
	tests := []struct {
		name       string
		first      http.HandlerFunc
		wantSleeps []time.Duration
	}{
		{"Retry-After seconds wins over the message", withRetryAfter("7"), []time.Duration{7 * time.Second}},
		{"Retry-After HTTP date", withRetryAfter(time.Date(2026, 1, 1, 0, 0, 9, 0, time.UTC).Format(http.TimeFormat)), []time.Duration{9 * time.Second}},
		{"seconds from Whop's message", status(429, "rate_limit_exceeded", "Try again in 12 seconds."), []time.Duration{12 * time.Second}},
		{"neither: exponential backoff", status(429, "rate_limit_exceeded", "Slow down."), []time.Duration{500 * time.Millisecond}},
		{"no body at all", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(429) }, []time.Duration{500 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := scripted(t, tt.first, okMembership)
			clock := newFakeClock()
			c := testClient(t, srv, clock, nil)
			if _, err := c.GetMembership(context.Background(), "mem_1"); err != nil {
				t.Fatalf("GetMembership: %v", err)
			}
			if got := clock.Sleeps(); !reflect.DeepEqual(got, tt.wantSleeps) {
				t.Errorf("sleeps = %v; want %v", got, tt.wantSleeps)
			}
			if got := len(srv.Requests()); got != 2 {
				t.Errorf("requests = %d; want 2", got)
			}
		})
	}
}

func TestRateLimitStormGivesUpBounded(t *testing.T) {
	t.Parallel()
	srv := scripted(t, status(429, "rate_limit_exceeded", "Slow down."))
	clock := newFakeClock()
	c := testClient(t, srv, clock, func(cfg *ClientConfig) {
		cfg.MaxRetries = 8
		cfg.MaxBackoff = 4 * time.Second
	})
	_, err := c.GetMembership(context.Background(), "mem_1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 429 || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("GetMembership = %v; want a 429 *APIError matching ErrRateLimited", err)
	}
	if got := len(srv.Requests()); got != 9 {
		t.Errorf("requests = %d; want 9 (1 + 8 retries)", got)
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second}
	if got := clock.Sleeps(); !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps = %v; want %v", got, want)
	}
}

func TestBackoffJitterRange(t *testing.T) {
	t.Parallel()
	srv := scripted(t, okMembership)
	for _, j := range []float64{0, 0.5, 0.999} {
		c := testClient(t, srv, newFakeClock(), func(cfg *ClientConfig) { cfg.Jitter = func() float64 { return j } })
		for attempt := range 10 {
			d := c.backoffDelay(attempt)
			full := min(500*time.Millisecond<<attempt, 30*time.Second)
			if d < full/2 || d > full {
				t.Errorf("backoffDelay(%d) with jitter %v = %v; want within [%v, %v]", attempt, j, d, full/2, full)
			}
		}
	}
}

func TestRetryAfterTooLongReturnsImmediately(t *testing.T) {
	t.Parallel()
	srv := scripted(t, status(429, "rate_limit_exceeded", "Try again in 3600 seconds."), okMembership)
	clock := newFakeClock()
	c := testClient(t, srv, clock, nil)
	_, err := c.GetMembership(context.Background(), "mem_1")
	if !errors.Is(err, ErrRateLimited) || len(clock.Sleeps()) != 0 {
		t.Errorf("GetMembership = %v after sleeps %v; want ErrRateLimited without sleeping", err, clock.Sleeps())
	}
}

func TestServerErrorBurstThenSuccess(t *testing.T) {
	t.Parallel()
	srv := scripted(t, status(500, "", "boom"), status(502, "", ""), status(503, "", ""), okMembership)
	clock := newFakeClock()
	c := testClient(t, srv, clock, nil)
	if _, err := c.GetMembership(context.Background(), "mem_1"); err != nil {
		t.Fatalf("GetMembership: %v", err)
	}
	if got := len(srv.Requests()); got != 4 {
		t.Errorf("requests = %d; want 4", got)
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}
	if got := clock.Sleeps(); !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps = %v; want %v", got, want)
	}
}

func TestServerErrorsOutlastRetries(t *testing.T) {
	t.Parallel()
	srv := scripted(t, status(503, "", "down"))
	c := testClient(t, srv, newFakeClock(), func(cfg *ClientConfig) { cfg.MaxRetries = 3 })
	_, err := c.GetMembership(context.Background(), "mem_1")
	if !errors.Is(err, ErrServer) {
		t.Errorf("GetMembership = %v; want ErrServer", err)
	}
	if got := len(srv.Requests()); got != 4 {
		t.Errorf("requests = %d; want 4", got)
	}
}

func TestNetworkErrorRetried(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close() // no response at all
			return
		}
		okMembership(w, r)
	})
	clock := newFakeClock()
	c := testClient(t, srv, clock, nil)
	if _, err := c.GetMembership(context.Background(), "mem_1"); err != nil {
		t.Fatalf("GetMembership: %v", err)
	}
	if got := len(clock.Sleeps()); got != 1 {
		t.Errorf("sleeps = %d; want 1", got)
	}
}

func truncated(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(exampleMembership)))
	fmt.Fprint(w, exampleMembership[:len(exampleMembership)/2])
}

func notJSON(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	fmt.Fprint(w, "<html>gateway</html>")
}

func TestMalformedBodyRetriedOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		steps    []http.HandlerFunc
		wantErr  error
		wantReqs int
	}{
		{"truncated then fine", []http.HandlerFunc{truncated, okMembership}, nil, 2},
		{"html then fine", []http.HandlerFunc{notJSON, okMembership}, nil, 2},
		{"truncated twice", []http.HandlerFunc{truncated, truncated, okMembership}, ErrBadResponse, 2},
		{"invalid twice", []http.HandlerFunc{notJSON}, ErrBadResponse, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := scripted(t, tt.steps...)
			c := testClient(t, srv, newFakeClock(), nil)
			_, err := c.GetMembership(context.Background(), "mem_1")
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("GetMembership = %v; want %v", err, tt.wantErr)
			}
			if got := len(srv.Requests()); got != tt.wantReqs {
				t.Errorf("requests = %d; want %d", got, tt.wantReqs)
			}
		})
	}
}

func TestUnauthorizedRefreshesOnce(t *testing.T) {
	t.Parallel()
	unauth := status(401, "unauthorized", "Invalid token")
	tests := []struct {
		name          string
		steps         []http.HandlerFunc
		src           *staticSource
		wantReauth    bool
		wantReqs      int
		wantRefreshes int
	}{
		{"refresh then success", []http.HandlerFunc{unauth, okMembership}, &staticSource{token: "a", refreshed: []string{"b"}}, false, 2, 1},
		{"refresh then 401 again", []http.HandlerFunc{unauth}, &staticSource{token: "a", refreshed: []string{"b", "c"}}, true, 2, 1},
		{"refresh invalid_grant", []http.HandlerFunc{unauth}, &staticSource{token: "a", refreshErr: &OAuthError{Status: 400, Code: "invalid_grant"}}, true, 1, 1},
		{"refresh says reauth", []http.HandlerFunc{unauth}, &staticSource{token: "a", refreshErr: &ReauthRequiredError{Reason: "revoked"}}, true, 1, 1},
		{"refresh network error is not reauth", []http.HandlerFunc{unauth}, &staticSource{token: "a", refreshErr: errors.New("dial tcp: refused")}, false, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := scripted(t, tt.steps...)
			c := testClient(t, srv, newFakeClock(), func(cfg *ClientConfig) { cfg.Token = tt.src })
			_, err := c.GetMembership(context.Background(), "mem_1")
			if got := errors.Is(err, ErrReauthRequired); got != tt.wantReauth {
				t.Errorf("errors.Is(%v, ErrReauthRequired) = %v; want %v", err, got, tt.wantReauth)
			}
			if tt.wantReauth {
				var re *ReauthRequiredError
				if !errors.As(err, &re) {
					t.Errorf("error %T; want *ReauthRequiredError", err)
				}
			}
			if got := len(srv.Requests()); got != tt.wantReqs {
				t.Errorf("requests = %d; want %d", got, tt.wantReqs)
			}
			if tt.src.refreshes != tt.wantRefreshes {
				t.Errorf("refreshes = %d; want %d", tt.src.refreshes, tt.wantRefreshes)
			}
		})
	}
}

func TestStaticTokenUnauthorizedIsReauth(t *testing.T) {
	t.Parallel()
	srv := scripted(t, status(401, "unauthorized", "Invalid API key"))
	c := testClient(t, srv, newFakeClock(), nil)
	_, err := c.GetMembership(context.Background(), "mem_1")
	if !errors.Is(err, ErrReauthRequired) {
		t.Errorf("GetMembership = %v; want ErrReauthRequired", err)
	}
	if got := len(srv.Requests()); got != 1 {
		t.Errorf("requests = %d; want 1", got)
	}
}

func TestClientErrorsMapToSentinels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		step     http.HandlerFunc
		want     error
		wantPerm string
		wantType string
	}{
		{"403 names the permission", status(403, "forbidden", "You are missing the required permission: member:email:read"), ErrForbidden, "member:email:read", "forbidden"},
		{"403 without a permission", status(403, "forbidden", "Not allowed"), ErrForbidden, "", "forbidden"},
		{"404", status(404, "not_found", "Membership not found"), ErrNotFound, "", "not_found"},
		{"400", status(400, "invalid_request", "bad first"), ErrBadRequest, "", "invalid_request"},
		{"422", status(422, "", "nope"), ErrBadRequest, "", ""},
		{"error as a plain string", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(404)
			fmt.Fprint(w, `{"error":"not found"}`)
		}, ErrNotFound, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := scripted(t, tt.step)
			c := testClient(t, srv, newFakeClock(), nil)
			_, err := c.GetPayment(context.Background(), "pay_1")
			if !errors.Is(err, tt.want) {
				t.Fatalf("GetPayment = %v; want %v", err, tt.want)
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %T; want *APIError", err)
			}
			if apiErr.Permission != tt.wantPerm || apiErr.Type != tt.wantType || apiErr.Endpoint != "GET /payments/{id}" {
				t.Errorf("APIError = %+v; want permission %q, type %q, endpoint GET /payments/{id}", apiErr, tt.wantPerm, tt.wantType)
			}
			if got := len(srv.Requests()); got != 1 {
				t.Errorf("requests = %d; want 1 (no retry)", got)
			}
		})
	}
}

func TestErrorCodeDecoded(t *testing.T) {
	t.Parallel()
	srv := scripted(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(409)
		fmt.Fprint(w, `{"error":{"type":"conflict","code":"duplicate","message":"exists"}}`)
	})
	c := testClient(t, srv, newFakeClock(), nil)
	_, err := c.GetPayment(context.Background(), "pay_1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "duplicate" || apiErr.Message != "exists" || apiErr.Status != 409 {
		t.Errorf("GetPayment = %#v; want code duplicate, message exists, status 409", err)
	}
}

func TestSecretsNeverInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	steps := []http.HandlerFunc{
		status(503, "", ""), status(429, "rate_limit_exceeded", "Try again in 1 seconds."), truncated,
		status(401, "unauthorized", "bad"), status(403, "forbidden", "no"),
	}
	srv := scripted(t, steps...)
	src := &staticSource{token: "tok_very_secret_1", refreshed: []string{"tok_very_secret_2"}}
	c := testClient(t, srv, newFakeClock(), func(cfg *ClientConfig) { cfg.Token = src; cfg.Logger = logger })
	_, err := c.GetMembership(context.Background(), "mem_1")
	if err == nil {
		t.Fatal("GetMembership = nil; want the 403")
	}
	for _, secret := range []string{"tok_very_secret_1", "tok_very_secret_2"} {
		if strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprintf("%#v", err), secret) {
			t.Errorf("error %q contains a token", err)
		}
		if strings.Contains(logs.String(), secret) {
			t.Errorf("logs contain a token: %s", logs.String())
		}
	}
	if !strings.Contains(logs.String(), "whop: retrying") {
		t.Errorf("logs = %q; want retry notices", logs.String())
	}
}

func TestContextCanceledDuringBackoff(t *testing.T) {
	t.Parallel()
	srv := scripted(t, status(503, "", ""))
	ctx, cancel := context.WithCancel(context.Background())
	c := testClient(t, srv, newFakeClock(), func(cfg *ClientConfig) {
		cfg.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	})
	_, err := c.GetMembership(ctx, "mem_1")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("GetMembership = %v; want context.Canceled", err)
	}
}

func TestNewClientValidates(t *testing.T) {
	t.Parallel()
	if _, err := NewClient(ClientConfig{}); err == nil {
		t.Error("NewClient(no token) = nil error; want one")
	}
	if _, err := NewClient(ClientConfig{Token: StaticToken("k"), BaseURL: "api.whop.com"}); err == nil {
		t.Error("NewClient(relative base URL) = nil error; want one")
	}
	c, err := NewClient(ClientConfig{Token: StaticToken("k")})
	if err != nil || c.base.String() != DefaultBaseURL || c.versionDate != DefaultAPIVersionDate || c.limiter == nil {
		t.Errorf("NewClient defaults = %v, %v; want base %s, date %s, a limiter", c.base, err, DefaultBaseURL, DefaultAPIVersionDate)
	}
}

func TestMetricsCountAttemptsAndTolerateDoubleRegistration(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	srv := scripted(t, status(503, "", ""), okMembership)
	c1 := testClient(t, srv, newFakeClock(), func(cfg *ClientConfig) { cfg.Metrics = reg })
	c2 := testClient(t, srv, newFakeClock(), func(cfg *ClientConfig) { cfg.Metrics = reg })
	if _, err := c1.GetMembership(context.Background(), "mem_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.GetMembership(context.Background(), "mem_2"); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]float64{}
	var observations uint64
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			switch mf.GetName() {
			case "roster_whop_requests_total":
				counts[labels["endpoint"]+" "+labels["status"]] += m.GetCounter().GetValue()
			case "roster_whop_request_duration_seconds":
				observations += m.GetHistogram().GetSampleCount()
			}
		}
	}
	want := map[string]float64{"GET /memberships/{id} 503": 1, "GET /memberships/{id} 200": 2}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("roster_whop_requests_total = %v; want %v", counts, want)
	}
	if observations != 3 {
		t.Errorf("duration observations = %d; want 3", observations)
	}
}
