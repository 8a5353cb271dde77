package whopsim

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The vectors from shared/reference/whop.md.
const (
	vecSecret = "ws_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	vecID     = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
	vecTS     = 1735689600
	vecBody   = `{"id":"msg_2KWPBgLlAfxdpx2AI54pPJ85f4W","api_version":"v1","type":"payment.succeeded","timestamp":"2025-01-01T00:00:00.000Z","company_id":"biz_xxxxxxxxxxxxxx","data":{"id":"pay_xxxxxxxxxxxxxx"}}`
)

func TestSignVectors(t *testing.T) {
	t.Parallel()
	if got, want := SignStandard(vecSecret, vecID, vecTS, []byte(vecBody)), "v1,Pj8GTBGzG6uqQr7i7Ut/TpggF1UbjtC84aPgiw7hT7A="; got != want {
		t.Errorf("SignStandard = %s; want %s", got, want)
	}
	if got, want := SignLegacy(vecSecret, vecTS, []byte(vecBody)), "t=1735689600,v1=124b7bddf8a0f1f9a3582031d98b02a5a0986575d7ac78d39735ea3b9023a66c"; got != want {
		t.Errorf("SignLegacy = %s; want %s", got, want)
	}
}

// receiver is a webhook endpoint that verifies what it gets and answers
// with the statuses it is told to, in turn (200 once they run out).
type receiver struct {
	t        *testing.T
	secret   string
	mu       sync.Mutex
	statuses []int
	got      []http.Header
	bodies   [][]byte
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.got = append(rc.got, r.Header.Clone())
	rc.bodies = append(rc.bodies, body)
	status := 200
	if len(rc.statuses) > 0 {
		status, rc.statuses = rc.statuses[0], rc.statuses[1:]
	}
	rc.mu.Unlock()
	w.WriteHeader(status)
}

func startReceiver(t *testing.T, statuses ...int) (*receiver, string) {
	rc := &receiver{t: t, secret: vecSecret, statuses: statuses}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return rc, srv.URL
}

func waitIdle(t *testing.T, s *Sim) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.WaitIdle(ctx); err != nil {
		t.Fatalf("WaitIdle: %v", err)
	}
}

func TestWebhookV1SignedEnvelope(t *testing.T) {
	t.Parallel()
	rc, url := startReceiver(t)
	f := newFixture(t, Config{WebhookTargets: []WebhookTarget{{URL: url, Secret: vecSecret}}}, GenerateParams{})
	mid, err := f.sim.SignUp(SignUpParams{PlanID: firstPlan(t, f, "one_time")})
	if err != nil {
		t.Fatal(err)
	}
	waitIdle(t, f.sim)
	var types []string
	for i, h := range rc.got {
		id, ts := h.Get("webhook-id"), h.Get("webhook-timestamp")
		n, _ := strconv.ParseInt(ts, 10, 64)
		if got, want := h.Get("webhook-signature"), SignStandard(vecSecret, id, n, rc.bodies[i]); got != want {
			t.Errorf("signature = %s; want %s", got, want)
		}
		if n != f.clock.Now().Unix() {
			t.Errorf("webhook-timestamp = %d; want %d", n, f.clock.Now().Unix())
		}
		var env struct {
			ID, APIVersion, Type, Timestamp, CompanyID string
			Data                                       map[string]any
		}
		dec := map[string]any{}
		if err := json.Unmarshal(rc.bodies[i], &dec); err != nil {
			t.Fatal(err)
		}
		env.ID, _ = dec["id"].(string)
		env.APIVersion, _ = dec["api_version"].(string)
		env.Type, _ = dec["type"].(string)
		env.CompanyID, _ = dec["company_id"].(string)
		env.Timestamp, _ = dec["timestamp"].(string)
		env.Data, _ = dec["data"].(map[string]any)
		if env.ID != id || env.APIVersion != "v1" || env.CompanyID != f.gen.CompanyID || !strings.HasSuffix(env.Timestamp, "Z") {
			t.Errorf("envelope = %+v; want id %s, v1, company %s, ISO timestamp", env, id, f.gen.CompanyID)
		}
		types = append(types, env.Type)
		if env.Type == "membership.activated" {
			if env.Data["id"] != mid || env.Data["status"] != "completed" {
				t.Errorf("membership data = %v; want id %s status completed", env.Data, mid)
			}
			if _, nested := env.Data["user"].(map[string]any); !nested {
				t.Errorf("membership data has no nested user (2025-01-01 shape): %v", env.Data)
			}
		}
	}
	if want := []string{"payment.created", "payment.succeeded", "membership.activated"}; !slices.Equal(types, want) {
		t.Errorf("types = %v; want %v", types, want)
	}
}

func firstPlan(t *testing.T, f *fixture, planType string) string {
	t.Helper()
	f.sim.mu.RLock()
	defer f.sim.mu.RUnlock()
	for _, p := range f.sim.st.plans.rows {
		if p.PlanType == planType {
			return p.ID
		}
	}
	t.Fatalf("no %s plan", planType)
	return ""
}

func TestWebhookRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		statuses     []int
		wantAttempts int
		wantOK       bool
	}{
		{"succeeds on third attempt", []int{500, 503}, 3, true},
		{"gives up after three retries", []int{500, 500, 500, 500, 500}, 4, false},
		{"first attempt ok", nil, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, url := startReceiver(t, tt.statuses...)
			f := newFixture(t, Config{RetryScale: 0.001, WebhookTargets: []WebhookTarget{{URL: url, Secret: vecSecret}}}, GenerateParams{})
			pid := firstPayment(t, f)
			if _, err := f.sim.Refund(pid, 0); err != nil {
				t.Fatal(err)
			}
			waitIdle(t, f.sim)
			ds := f.sim.Deliveries()
			if len(ds) != tt.wantAttempts {
				t.Fatalf("deliveries = %d; want %d", len(ds), tt.wantAttempts)
			}
			for i, d := range ds {
				if d.Attempt != i+1 || d.EventID != ds[0].EventID || d.Type != "refund.created" {
					t.Errorf("delivery %d = attempt %d id %s type %s; want attempt %d id %s refund.created", i, d.Attempt, d.EventID, d.Type, i+1, ds[0].EventID)
				}
			}
			if got := ds[len(ds)-1].OK(); got != tt.wantOK {
				t.Errorf("last delivery OK = %v; want %v", got, tt.wantOK)
			}
		})
	}
}

func firstPayment(t *testing.T, f *fixture) string {
	t.Helper()
	f.sim.mu.RLock()
	defer f.sim.mu.RUnlock()
	for _, p := range f.sim.st.payments.rows {
		if p.Substatus == "succeeded" {
			return p.ID
		}
	}
	t.Fatal("no succeeded payment")
	return ""
}

func TestWebhookRetryDelaysScale(t *testing.T) {
	t.Parallel()
	_, url := startReceiver(t, 500, 500)
	f := newFixture(t, Config{RetryScale: 0.005, WebhookTargets: []WebhookTarget{{URL: url, Secret: vecSecret}}}, GenerateParams{})
	start := time.Now()
	if _, err := f.sim.Refund(firstPayment(t, f), 0); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, f.sim)
	// 10 s + 20 s at scale 0.005 = 150 ms before the third attempt.
	if got := time.Since(start); got < 150*time.Millisecond {
		t.Errorf("retries finished after %v; want at least 150ms (10 s + 20 s scaled)", got)
	}
}

func TestWebhookFaults(t *testing.T) {
	t.Parallel()
	t.Run("duplicates", func(t *testing.T) {
		t.Parallel()
		_, url := startReceiver(t)
		f := newFixture(t, Config{WebhookTargets: []WebhookTarget{{URL: url, Secret: vecSecret}}, Faults: Faults{WebhookDuplicates: true}}, GenerateParams{})
		if _, err := f.sim.Refund(firstPayment(t, f), 0); err != nil {
			t.Fatal(err)
		}
		waitIdle(t, f.sim)
		ds := f.sim.Deliveries()
		if len(ds) != 2 || ds[0].EventID != ds[1].EventID || ds[0].Timestamp == ds[1].Timestamp || !ds[1].Duplicate {
			t.Fatalf("deliveries = %+v; want 2 with the same id and different timestamps", ds)
		}
		if got, want := ds[1].Header.Get("webhook-signature"), SignStandard(vecSecret, ds[1].EventID, ds[1].Timestamp, ds[1].Body); got != want {
			t.Errorf("duplicate signature = %s; want %s", got, want)
		}
	})
	t.Run("stale", func(t *testing.T) {
		t.Parallel()
		_, url := startReceiver(t)
		f := newFixture(t, Config{WebhookTargets: []WebhookTarget{{URL: url, Secret: vecSecret}}, Faults: Faults{WebhookStale: true}}, GenerateParams{})
		if _, err := f.sim.Refund(firstPayment(t, f), 0); err != nil {
			t.Fatal(err)
		}
		waitIdle(t, f.sim)
		d := f.sim.Deliveries()[0]
		if age := f.clock.Now().Unix() - d.Timestamp; age <= 300 {
			t.Errorf("stale timestamp age = %d s; want > 300", age)
		}
	})
	t.Run("reorder", func(t *testing.T) {
		t.Parallel()
		rc, url := startReceiver(t)
		f := newFixture(t, Config{WebhookTargets: []WebhookTarget{{URL: url, Secret: vecSecret}}, Faults: Faults{WebhookReorder: true}}, GenerateParams{Users: 200})
		var emitted []string
		for range 3 {
			for _, e := range f.sim.Tick() {
				emitted = append(emitted, e.ID)
			}
		}
		waitIdle(t, f.sim)
		var got []string
		for _, h := range rc.got {
			got = append(got, h.Get("webhook-id"))
		}
		if len(got) != len(emitted) {
			t.Fatalf("received %d; want %d", len(got), len(emitted))
		}
		if slices.Equal(got, emitted) {
			t.Errorf("deliveries arrived in emission order; want shuffled")
		}
		sortedGot, sortedEm := slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(emitted))
		if !slices.Equal(sortedGot, sortedEm) {
			t.Errorf("delivered set differs from emitted set")
		}
	})
}

func TestWebhookLegacy(t *testing.T) {
	t.Parallel()
	rc, url := startReceiver(t)
	f := newFixture(t, Config{WebhookTargets: []WebhookTarget{{URL: url, Secret: vecSecret, Mode: WebhookModeLegacy}}}, GenerateParams{})
	mid := activeMembership(t, f)
	if err := f.sim.CancelMembership(mid, false); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, f.sim)
	if len(rc.got) != 1 {
		t.Fatalf("received %d; want 1", len(rc.got))
	}
	h, body := rc.got[0], rc.bodies[0]
	sig := h.Get("X-Whop-Signature")
	ts, _ := strconv.ParseInt(strings.TrimPrefix(strings.Split(sig, ",")[0], "t="), 10, 64)
	if want := SignLegacy(vecSecret, ts, body); sig != want {
		t.Errorf("x-whop-signature = %s; want %s", sig, want)
	}
	if h.Get("webhook-id") != "" {
		t.Errorf("legacy delivery carries webhook-id")
	}
	var env map[string]any
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	data := env["data"].(map[string]any)
	if env["action"] != "membership.went_invalid" || env["api_version"] != "v5" {
		t.Errorf("legacy envelope = action %v version %v; want membership.went_invalid v5", env["action"], env["api_version"])
	}
	if _, ok := data["created_at"].(float64); !ok {
		t.Errorf("legacy created_at = %#v; want unix seconds", data["created_at"])
	}
}

func activeMembership(t *testing.T, f *fixture) string {
	t.Helper()
	f.sim.mu.RLock()
	defer f.sim.mu.RUnlock()
	for _, m := range f.sim.st.memberships.rows {
		if m.Status == "active" {
			return m.ID
		}
	}
	t.Fatal("no active membership")
	return ""
}
