package whopsim

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/config"
)

// sentTypes are the webhook types the simulator sends; the SDK test must see
// every one.
var sentTypes = []string{
	"membership.activated", "membership.deactivated", "membership.cancel_at_period_end_changed",
	"payment.created", "payment.succeeded", "payment.failed", "payment.pending", "refund.created",
}

// TestOfficialSDK points Whop's official TypeScript SDK (@whop/sdk, pinned in
// package-lock.json) at the simulator: testdata/sdk/sim.test.mjs lists every
// resource with auto-pagination at the SDK's default Api-Version-Date and at
// Roster's pinned one, retrieves each object, checks it against the SDK's
// types, and verifies the webhooks below with webhooks.unwrap. It needs
// node and `npm ci` at the repository root (the README's test command), and
// fails without them rather than skipping.
func TestOfficialSDK(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not installed (apt-get install nodejs npm), needed to run Whop's SDK against the simulator: %v", err)
	}
	root := repoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "node_modules", "@whop", "sdk", "package.json")); err != nil {
		t.Fatalf("@whop/sdk is not installed: run `npm ci` in %s (%v)", root, err)
	}
	pinned, err := config.Load(func(string) string { return "" }, config.Options{KeyOptional: true})
	if err != nil {
		t.Fatal(err)
	}

	rc, hookURL := startReceiver(t)
	const key = "apik_sdk_test"
	s := New(Config{Seed: 11, RateLimit: -1, APIKeys: []APIKey{{Key: key, CompanyID: "biz_SdkTestCompany"}},
		WebhookTargets: []WebhookTarget{{URL: hookURL, Secret: vecSecret}}})
	gen := s.Generate(GenerateParams{CompanyID: "biz_SdkTestCompany", Users: 40})
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	sendEveryWebhook(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := s.WaitIdle(ctx); err != nil {
		t.Fatalf("webhooks still pending: %v", err)
	}

	c := s.Counts()
	counts, _ := json.Marshal(map[string]int{"memberships": c.Memberships, "members": c.Members, "products": c.Products, "plans": c.Plans, "payments": c.Payments})
	var types []string
	for _, ev := range s.Events() {
		if !slices.Contains(types, ev.Type) {
			types = append(types, ev.Type)
		}
	}
	for _, want := range sentTypes {
		if !slices.Contains(types, want) {
			t.Fatalf("the test sent no %s webhook (sent %v)", want, types)
		}
	}
	typesJSON, _ := json.Marshal(types)
	hookFile := filepath.Join(t.TempDir(), "webhooks.json")
	if err := os.WriteFile(hookFile, deliveredJSON(t, rc), 0o600); err != nil {
		t.Fatal(err)
	}

	cmd := exec.CommandContext(ctx, node, "--test", filepath.Join("testdata", "sdk", "sim.test.mjs"))
	cmd.Env = append(withoutWhopEnv(os.Environ()),
		"WHOPSIM_BASE_URL="+base+"/api/v1",
		"WHOPSIM_API_KEY="+key,
		"WHOPSIM_COMPANY_ID="+gen.CompanyID,
		"WHOPSIM_PINNED_VERSION="+pinned.WhopAPIVersionDate,
		"WHOPSIM_COUNTS="+string(counts),
		"WHOPSIM_WEBHOOKS="+hookFile,
		"WHOPSIM_WEBHOOK_SECRET="+vecSecret,
		"WHOPSIM_EVENT_TYPES="+string(typesJSON),
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test testdata/sdk/sim.test.mjs: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "# fail 0") || strings.Contains(string(out), "# pass 0\n") {
		t.Fatalf("node --test did not report passing tests:\n%s", out)
	}
	t.Logf("%s", out)
}

// sendEveryWebhook drives the simulator through one of each change that
// sends a webhook.
func sendEveryWebhook(t *testing.T, s *Sim) {
	t.Helper()
	if _, err := s.SignUp(SignUpParams{Pending: true}); err != nil { // payment.created, payment.pending
		t.Fatal(err)
	}
	s.ResolvePending() // payment.succeeded, membership.activated
	var mid string
	s.mu.RLock()
	for _, m := range s.st.memberships.rows {
		if m.Status == "active" {
			mid = m.ID
			break
		}
	}
	s.mu.RUnlock()
	steps := []func() error{
		func() error { _, err := s.FailPayment(mid); return err },                 // payment.failed
		func() error { _, err := s.RenewMembership(mid); return err },             // payment.succeeded
		func() error { return s.CancelMembership(mid, true) },                     // membership.cancel_at_period_end_changed
		func() error { return s.EndPeriod(mid) },                                  // membership.deactivated
		func() error { _, err := s.Refund(lastPaymentOf(s, mid), 0); return err }, // refund.created
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
}

func lastPaymentOf(s *Sim, membershipID string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id := ""
	for _, p := range s.st.payments.rows {
		if p.MembershipID == membershipID && p.Substatus == "succeeded" {
			id = p.ID
		}
	}
	return id
}

// deliveredJSON returns what rc received as [{headers, body}], the input
// of webhooks.unwrap.
func deliveredJSON(t *testing.T, rc *receiver) []byte {
	t.Helper()
	type hook struct {
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	hooks := make([]hook, len(rc.got))
	for i, h := range rc.got {
		hooks[i] = hook{Headers: map[string]string{}, Body: string(rc.bodies[i])}
		for k := range h {
			hooks[i].Headers[strings.ToLower(k)] = h.Get(k)
		}
	}
	b, err := json.Marshal(hooks)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withoutWhopEnv drops WHOP_* variables, which the SDK would read (its API
// key, base URL, version and webhook key) instead of what the test passes.
func withoutWhopEnv(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, "WHOP_") })
}

// repoRoot is the directory holding go.mod (and package.json).
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
