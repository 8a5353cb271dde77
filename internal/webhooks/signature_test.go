package webhooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/webhooks"
)

// TestSignSpecVector checks Sign against the test vector published with the
// Standard Webhooks reference libraries.
func TestSignSpecVector(t *testing.T) {
	t.Parallel()
	got, err := webhooks.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("Sign(spec vector) = %q; want %q", got, want)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	const sec = webhooks.Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	now := time.Unix(1614265330, 0)
	body := []byte(`{"type":"person.created"}`)
	sig, _ := webhooks.Sign(sec, "msg_1", now, body)
	headers := func(ts time.Time, sig string) http.Header {
		h := http.Header{}
		h.Set("webhook-id", "msg_1")
		h.Set("webhook-timestamp", itoa(ts.Unix()))
		h.Set("webhook-signature", sig)
		return h
	}
	tests := []struct {
		name    string
		h       http.Header
		body    []byte
		wantErr bool
	}{
		{"valid", headers(now, sig), body, false},
		{"valid among others", headers(now, "v1,AAAA "+sig+" v1a,BBBB"), body, false},
		{"body changed", headers(now, sig), []byte(`{"type":"person.deleted"}`), true},
		{"timestamp changed", headers(now.Add(time.Second), sig), body, true},
		{"too old", headers(now.Add(-10*time.Minute), sig), body, true},
		{"no signature", headers(now, ""), body, true},
	}
	for _, tt := range tests {
		err := webhooks.Verify(sec, tt.h, tt.body, now, 5*time.Minute)
		if (err != nil) != tt.wantErr {
			t.Errorf("Verify(%s) = %v; want error %v", tt.name, err, tt.wantErr)
		}
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestDeliverySignedAndShaped sends a real delivery to a real receiver and
// checks it: the body's shape, the record as the REST API renders it, and
// the signature, verified by Roster's Verify and, independently, by the
// Standard Webhooks reference library under node.
func TestDeliverySignedAndShaped(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s, harnessOptions{})
		rc := newReceiver(t)
		hook := h.createHook(h.admin, rc.URL+"/hooks?src=roster", "person.created")
		if !strings.HasPrefix(hook.Secret.Reveal(), "whsec_") || len(hook.Secret.Reveal()) != len("whsec_")+44 {
			t.Fatalf("Create() secret = %q; want whsec_ and base64 of 32 bytes", hook.Secret.Reveal())
		}
		people := h.createPeople(h.ws, "Ada", "Grace")
		poll.Until(t, 20*time.Second, func() error {
			if n := len(rc.requests()); n != 2 {
				return errors.New("receiver has " + itoa(int64(n)) + " requests; want 2")
			}
			return nil
		})
		schema, err := h.records.Schema(context.Background(), h.ws, crm.PersonObject)
		if err != nil {
			t.Fatal(err)
		}
		type delivered struct {
			Headers map[string]string `json:"headers"`
			Body    string            `json:"body"`
		}
		var all []delivered
		byID := map[string]webhooks.Payload{}
		for _, r := range rc.requests() {
			if err := webhooks.Verify(hook.Secret, r.Header, r.Body, time.Now(), 5*time.Minute); err != nil {
				t.Errorf("Verify(delivery) = %v", err)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q; want application/json", ct)
			}
			var p webhooks.Payload
			if err := json.Unmarshal(r.Body, &p); err != nil {
				t.Fatalf("body %s: %v", r.Body, err)
			}
			var raw map[string]any
			_ = json.Unmarshal(r.Body, &raw)
			for _, k := range []string{"type", "timestamp", "workspaceId", "data"} {
				if _, ok := raw[k]; !ok {
					t.Errorf("body has no %q: %s", k, r.Body)
				}
			}
			if p.Type != "person.created" || p.WorkspaceID != h.ws || p.Data.UpdatedFields == nil || len(p.Data.UpdatedFields) != 0 {
				t.Errorf("payload = %+v; want type person.created, workspace %s, updatedFields []", p, h.ws)
			}
			if _, err := time.Parse(time.RFC3339Nano, p.Timestamp); err != nil {
				t.Errorf("timestamp %q: %v", p.Timestamp, err)
			}
			byID[p.Data.Record["id"].(string)] = p
			all = append(all, delivered{Headers: map[string]string{
				"webhook-id": r.Header.Get("webhook-id"), "webhook-timestamp": r.Header.Get("webhook-timestamp"), "webhook-signature": r.Header.Get("webhook-signature"),
			}, Body: string(r.Body)})
		}
		for _, person := range people {
			p, ok := byID[person.Meta().ID]
			if !ok {
				t.Fatalf("no delivery for person %s", person.Meta().ID)
			}
			want, _ := json.Marshal(crm.RecordJSON(schema, person))
			got, _ := json.Marshal(p.Data.Record)
			if !bytes.Equal(got, want) {
				t.Errorf("data.record = %s; want the REST rendering %s", got, want)
			}
		}
		verifyWithReferenceLibrary(t, hook.Secret.Reveal(), all)

		// The log has one successful first attempt per delivery.
		log, err := h.hooks.Log(context.Background(), h.admin, hook.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 2 {
			t.Fatalf("Log() = %d attempts; want 2", len(log))
		}
		for _, a := range log {
			if !a.Success || a.StatusCode == nil || *a.StatusCode != http.StatusOK || a.Attempt != 1 || a.EventType != "person.created" || a.Response != "OK" {
				t.Errorf("attempt = %+v; want attempt 1, success, 200, person.created, response logged", a)
			}
		}
	})
}

// verifyWithReferenceLibrary runs testdata/verify.cjs under node.
func verifyWithReferenceLibrary(t *testing.T, secret string, deliveries any) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not installed (apt-get install nodejs npm), needed to verify signatures with the Standard Webhooks library: %v", err)
	}
	root := repoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "node_modules", "standardwebhooks", "package.json")); err != nil {
		t.Fatalf("the standardwebhooks package is not installed: run `npm ci` in %s (%v)", root, err)
	}
	in, _ := json.Marshal(map[string]any{"secret": secret, "deliveries": deliveries})
	script, _ := filepath.Abs(filepath.Join("testdata", "verify.cjs"))
	cmd := exec.Command(node, script)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(root, "node_modules"))
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("standardwebhooks verify: %v\n%s", err, out)
	}
	if got := strings.Count(string(out), "person.created"); got != 2 {
		t.Errorf("standardwebhooks verified %d payloads; want 2:\n%s", got, out)
	}
}

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
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}
