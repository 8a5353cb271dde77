package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/workflow"
)

// TestServeKilledDuringWorkflowRuns runs `roster serve` in a child process
// working two kinds of runs: some in the middle of a slow HTTP call, some
// waiting in a DELAY. It kills the child with SIGKILL, starts it again and
// checks that every run finishes exactly once: COMPLETED, every step
// SUCCESS, one note and one task per run (record steps are never applied
// twice), and every HTTP call of a run carried that run's idempotency key.
func TestServeKilledDuringWorkflowRuns(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			var released atomic.Bool
			var mu sync.Mutex
			calls := map[string]int{} // idempotency key -> requests
			slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				calls[r.Header.Get("Idempotency-Key")]++
				mu.Unlock()
				for i := 0; i < 80 && !released.Load(); i++ {
					time.Sleep(100 * time.Millisecond)
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"ok": true}`))
			}))
			t.Cleanup(slow.Close)
			addr := freeAddr(t)
			h := newKillHarness(t, d, killHarnessParams{Seed: 3, Users: 1, Memberships: 1,
				Env: map[string]string{"ROSTER_ADDR": addr, "ROSTER_BASE_URL": "http://" + addr, "ROSTER_ALLOW_PRIVATE_NETWORK": "true"}})
			a, ws := h.app, h.ws.ID
			svc := a.Workflows
			activate := func(name, steps string) *workflow.Version {
				t.Helper()
				w, err := svc.CreateWorkflow(ctx, ws, workflow.CreateWorkflowInput{Name: name})
				if err != nil {
					t.Fatal(err)
				}
				vs, err := svc.Versions(ctx, ws, workflow.VersionFilter{WorkflowID: w.ID}, workflow.ListParams{})
				if err != nil {
					t.Fatal(err)
				}
				v, err := svc.UpdateVersion(ctx, ws, vs.Items[0].ID, workflow.VersionInput{Trigger: json.RawMessage(`{"type": "MANUAL", "settings": {}}`), Steps: json.RawMessage(steps)})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := svc.ActivateVersion(ctx, ws, v.ID); err != nil {
					t.Fatal(err)
				}
				return v
			}
			httpFlow := activate("Slow call", fmt.Sprintf(`[
			 {"id": "before", "type": "CREATE_RECORD", "nextStepIds": ["call"], "settings": {"input": {"objectName": "note", "objectRecord": {"title": "http {{trigger.n}}"}}}},
			 {"id": "call", "type": "HTTP_REQUEST", "nextStepIds": ["after"], "settings": {"input": {"url": "%s/slow", "method": "POST", "body": {"n": "{{trigger.n}}"}}}},
			 {"id": "after", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"title": "http {{trigger.n}}"}}}}]`, slow.URL))
			delayFlow := activate("Delayed", `[
			 {"id": "before", "type": "CREATE_RECORD", "nextStepIds": ["wait"], "settings": {"input": {"objectName": "note", "objectRecord": {"title": "delay {{trigger.n}}"}}}},
			 {"id": "wait", "type": "DELAY", "nextStepIds": ["after"], "settings": {"input": {"delayType": "DURATION", "duration": {"seconds": 8}}}},
			 {"id": "after", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {"title": "delay {{trigger.n}}"}}}}]`)
			const perFlow = 6
			var runs []string
			for i := 0; i < perFlow; i++ {
				for _, v := range []*workflow.Version{httpFlow, delayFlow} {
					id, err := svc.RunVersion(ctx, ws, crm.Actor{Source: crm.SourceAPI, Name: "t"}, v.ID, map[string]any{"n": i})
					if err != nil {
						t.Fatal(err)
					}
					runs = append(runs, id)
				}
			}

			logs := filepath.Join(t.TempDir(), "serve.log")
			serve := func() *exec.Cmd {
				out, err := os.OpenFile(logs, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { out.Close() })
				cmd := h.child("serve")
				cmd.Stdout, cmd.Stderr = out, out
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
				return cmd
			}
			stepsIn := func(status string) (httpCalling, delaying int) {
				for _, id := range runs {
					r, err := svc.Run(ctx, ws, id)
					if err != nil {
						t.Fatal(err)
					}
					if r.WorkflowVersionID == httpFlow.ID && r.State.StepInfos["call"].Status == status {
						httpCalling++
					}
					if r.WorkflowVersionID == delayFlow.ID && r.State.StepInfos["wait"].Status == status {
						delaying++
					}
				}
				return
			}
			first := serve()
			// Kill once every delay waits and several runs are inside the call.
			waitUntil(t, "runs waiting in their DELAY and calling the slow server", 90*time.Second, func() bool {
				_, delaying := stepsIn(workflow.StepPending)
				mu.Lock()
				inFlight := len(calls)
				mu.Unlock()
				return delaying == perFlow && inFlight >= 2
			})
			if err := first.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = first.Wait()
			done := 0
			for _, id := range runs {
				if r, _ := svc.Run(ctx, ws, id); r.Status == workflow.RunCompleted {
					done++
				}
			}
			t.Logf("killed with %d of %d runs completed", done, len(runs))
			if done == len(runs) {
				t.Fatal("every run had finished before the kill; the test proves nothing")
			}
			released.Store(true)

			serve()
			waitUntil(t, "every run completes after the restart", 4*time.Minute, func() bool {
				for _, id := range runs {
					r, err := svc.Run(ctx, ws, id)
					if err != nil || (r.Status != workflow.RunCompleted && r.Status != workflow.RunFailed) {
						return false
					}
				}
				return true
			})
			for _, id := range runs {
				r, _ := svc.Run(ctx, ws, id)
				if r.Status != workflow.RunCompleted {
					b, _ := json.Marshal(r.State)
					t.Errorf("run %s = %s: %s", id, r.Status, b)
					continue
				}
				for _, step := range []string{"before", "after"} {
					if st := r.State.StepInfos[step].Status; st != workflow.StepSuccess {
						t.Errorf("run %s step %s = %s; want SUCCESS", id, step, st)
					}
				}
				if r.WorkflowVersionID == httpFlow.ID {
					mu.Lock()
					n := calls[id+":call"]
					mu.Unlock()
					if n == 0 {
						t.Errorf("run %s: no call carried its idempotency key %s:call", id, id)
					}
				}
			}
			for _, o := range []*crm.Object{crm.NoteObject, crm.TaskObject} {
				titles := map[string]int{}
				page, err := a.Records.List(ctx, ws, crm.NewSchema(o, nil), crm.ListParams{First: crm.MaxPageSize})
				if err != nil {
					t.Fatal(err)
				}
				for _, rec := range page.Records {
					var title string
					switch x := rec.(type) {
					case *crm.Note:
						title = x.Title
					case *crm.Task:
						title = x.Title
					}
					titles[title]++
				}
				if len(page.Records) != len(runs) {
					t.Errorf("%s records = %d; want one per run (%d): %v", o.Name, len(page.Records), len(runs), titles)
				}
				for title, n := range titles {
					if n != 1 {
						t.Errorf("%s %q written %d times; want once", o.Name, title, n)
					}
				}
			}
		})
	}
}
