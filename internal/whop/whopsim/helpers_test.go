package whopsim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// testClock is a hand-driven clock for the simulator.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 3, 14, 17, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

const (
	testKey     = "apik_test_full"
	testKeyNoEm = "apik_test_noemail"
	testKeyPlan = "apik_test_plans_only"
	testKeyOth  = "apik_test_other_company"
)

type fixture struct {
	sim   *Sim
	srv   *httptest.Server
	clock *testClock
	gen   GenerateResult
}

// newFixture starts a simulator with one generated company and keys for it.
func newFixture(t *testing.T, cfg Config, gp GenerateParams) *fixture {
	t.Helper()
	clk := newTestClock()
	cfg.Clock = clk.Now
	if cfg.Seed == 0 {
		cfg.Seed = 42
	}
	s := New(cfg)
	if gp.Users == 0 {
		gp.Users = 40
	}
	gp.CompanyID = "biz_TestCompany001"
	res := s.Generate(gp)
	s.AddAPIKey(APIKey{Key: testKey, CompanyID: res.CompanyID})
	s.AddAPIKey(APIKey{Key: testKeyNoEm, CompanyID: res.CompanyID, Scopes: []string{ScopeMemberRead, ScopePaymentRead, ScopeProductRead, ScopePlanRead}})
	s.AddAPIKey(APIKey{Key: testKeyPlan, CompanyID: res.CompanyID, Scopes: []string{ScopePlanRead}})
	s.AddAPIKey(APIKey{Key: testKeyOth, CompanyID: "biz_SomebodyElse01"})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		srv.Close()
		_ = s.Close()
	})
	return &fixture{sim: s, srv: srv, clock: clk, gen: res}
}

type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

// get calls the simulator; path is relative to the server root.
func (f *fixture) get(t *testing.T, path, token string, hdr map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", path, err)
	}
	r := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

func errorType(r response) string {
	e, _ := r.body["error"].(map[string]any)
	s, _ := e["type"].(string)
	return s
}

func dataList(t *testing.T, r response) []map[string]any {
	t.Helper()
	raw, ok := r.body["data"].([]any)
	if !ok {
		t.Fatalf("no data array in %s", r.raw)
	}
	out := make([]map[string]any, len(raw))
	for i, x := range raw {
		out[i] = x.(map[string]any)
	}
	return out
}
