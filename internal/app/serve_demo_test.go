package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/workflow"
)

// lockedBuffer is an io.Writer the server's goroutines can share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServeDemo runs `serve --demo` in process and reads what a new user
// reads: where it listens (never "Roster dev listening", which looked like a
// development server), the admin login, an API key, and the webhook URL and
// secret the simulated Whop signs its events with. It then asks for
// /favicon.ico, and nothing may have been logged as an ERROR.
func TestServeDemo(t *testing.T) {
	var stdout, stderr lockedBuffer
	env := map[string]string{"ROSTER_DATA_DIR": t.TempDir(), "ROSTER_ADDR": "127.0.0.1:0"}
	e := &cliEnv{stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return env[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- cmdServe(ctx, e, []string{"--demo"}) }()
	defer func() {
		cancel()
		select {
		case err := <-served:
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(60 * time.Second):
			t.Error("serve did not stop within 60s of its context ending")
		}
	}()

	listening := regexp.MustCompile(`Roster listening on http://(127\.0\.0\.1:\d+) \(sqlite, role all, version \S+\)`)
	var addr string
	poll.Until(t, 60*time.Second, func() error {
		if m := listening.FindStringSubmatch(stdout.String()); m != nil {
			addr = m[1]
			return nil
		}
		return fmt.Errorf("serve --demo has not said where it listens; stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	})
	out := stdout.String()
	if strings.Contains(out+stderr.String(), "dev listening") {
		t.Errorf("serve said \"dev listening\":\n%s", out)
	}
	wsID := regexp.MustCompile(`Demo workspace (\S+)`).FindStringSubmatch(out)
	if wsID == nil {
		t.Fatalf("no demo workspace in:\n%s", out)
	}
	for _, want := range []string{
		"admin login:     " + demoEmail + " / " + demoPassword,
		"API key:         rk_",
		"Whop company:    " + simCompanyID,
		"webhook URL:     http://127.0.0.1:0/webhooks/whop/" + wsID[1],
		"webhook secret:  " + simWebhookSecret,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("serve --demo output lacks %q:\n%s", want, out)
		}
	}

	resp, err := http.Get("http://" + addr + "/favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("GET /favicon.ico = %d %s; want 200 image/svg+xml", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// The demo's audit log shows real entries, written by the services the
	// seeding went through.
	key := regexp.MustCompile(`API key:\s+(rk_\S+)`).FindStringSubmatch(out)
	if key == nil {
		t.Fatalf("no API key in:\n%s", out)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/rest/auditLogs?limit=50", nil)
	req.Header.Set("Authorization", "Bearer "+key[1])
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, action := range []string{"workspace.created", "member.added", "invite.sent", "api_key.created", "whop.connected"} {
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"action":"`+action+`"`) {
			t.Errorf("demo audit log (%d) lacks %s: %s", resp.StatusCode, action, body)
		}
	}
	// Automations: the templates and the manual workflow are active, and
	// the welcome runs the seeding started complete.
	get := func(path string) string {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
		req.Header.Set("Authorization", "Bearer "+key[1])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	workflows := get("/rest/workflows?limit=50")
	for _, name := range []string{"Welcome a new member", "Failed payment follow-up", "Win-back 14 days after churn", demoVIPWorkflow} {
		if !strings.Contains(workflows, `"name":"`+name+`"`) {
			t.Errorf("demo workflows lack %q: %s", name, workflows)
		}
	}
	if got := strings.Count(get("/rest/workflowVersions?limit=50&filter=status[eq]:ACTIVE"), `"status":"ACTIVE"`); got != len(workflow.Templates())+1 {
		t.Errorf("active demo versions = %d; want every template and the manual workflow", got)
	}
	poll.Until(t, 60*time.Second, func() error {
		if n := strings.Count(get("/rest/workflowRuns?limit=50&filter=status[eq]:COMPLETED"), `"status":"COMPLETED"`); n < 3 {
			return fmt.Errorf("%d completed demo runs; want the 3 welcome runs", n)
		}
		return nil
	})
	// AI: lead-score notes from the offline provider, and the AI workflow
	// flagged the demo's unhappy note with a follow-up task.
	if notes := get("/rest/notes?limit=50&filter=title[eq]:AI%20lead%20score"); strings.Count(notes, `"title":"AI lead score"`) != 3 ||
		!strings.Contains(notes, "by offline rules-v1") {
		t.Errorf("demo AI lead-score notes: %s", notes)
	}
	poll.Until(t, 60*time.Second, func() error {
		if tasks := get("/rest/tasks?limit=50&filter=title[eq]:Follow%20up:%20unhappy%20member"); !strings.Contains(tasks, "reads negative") {
			return fmt.Errorf("no AI follow-up task yet: %s", tasks)
		}
		return nil
	})
	// Contracts: one out for signature, one signed with its sealed PDF.
	if cs := get("/rest/contracts?status=SENT"); strings.Count(cs, `"name":"Coaching agreement"`) != 1 {
		t.Errorf("demo contracts SENT: %s", cs)
	}
	if cs := get("/rest/contracts?status=SIGNED"); strings.Count(cs, `"name":"Coaching agreement"`) != 1 || !strings.Contains(cs, `"signedPdfUrl":"http`) {
		t.Errorf("demo contracts SIGNED: %s", cs)
	}
	if logs := stderr.String(); strings.Contains(logs, `"level":"ERROR"`) {
		t.Errorf("serve logged an ERROR:\n%s", logs)
	}
}
