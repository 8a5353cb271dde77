package whop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is the Now/Sleep pair for tests: Sleep records the duration and
// advances the clock instead of waiting.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// recorder is an httptest server that answers with a scripted handler and
// keeps every request it saw.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []*http.Request
}

func newRecorder(t *testing.T, h http.HandlerFunc) *recorder {
	t.Helper()
	r := &recorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.reqs = append(r.reqs, req.Clone(context.Background()))
		r.mu.Unlock()
		h(w, req)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *recorder) Requests() []*http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*http.Request(nil), r.reqs...)
}

// staticSource is a TokenSource with a fixed sequence of refreshes.
type staticSource struct {
	mu         sync.Mutex
	token      string
	refreshed  []string // tokens handed out by successive Refresh calls
	refreshErr error
	refreshes  int
}

func (s *staticSource) Token(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token, nil
}

func (s *staticSource) Refresh(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshes++
	if s.refreshErr != nil {
		return "", s.refreshErr
	}
	if len(s.refreshed) == 0 {
		return "", errors.New("no more tokens")
	}
	s.token, s.refreshed = s.refreshed[0], s.refreshed[1:]
	return s.token, nil
}

// testClient builds a client against srv with a fake clock, fixed jitter and
// limiting off unless cfg says otherwise.
func testClient(t *testing.T, srv *recorder, clock *fakeClock, mod func(*ClientConfig)) *Client {
	t.Helper()
	cfg := ClientConfig{
		BaseURL:       srv.URL + "/api/v1",
		Token:         StaticToken("apik_secret_test_key"),
		CompanyID:     "biz_Xy12Ab34Cd56Ef",
		RatePerMinute: -1,
		Now:           clock.Now,
		Sleep:         clock.Sleep,
		Jitter:        func() float64 { return 1 }, // the top of the range: deterministic
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"type":%q,"message":%q}}`, typ, msg)
}

// membershipJSON is the reference example with the id replaced.
func membershipJSON(id string) string {
	return strings.Replace(exampleMembership, "mem_T4bXq1ZcLk9aP2", id, 2)
}
