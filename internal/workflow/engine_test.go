package workflow_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/workflow"
)

// TestStuckRunRecovered: a run left RUNNING by a dead worker (its lease
// expired, its job gone) is found by the recovery and finishes once.
func TestStuckRunRecovered(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{noWork: true})
		_, v := e.active("Stuck", manualTrigger, `[{"id": "n", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "note", "objectRecord": {"title": "once"}}}}]`)
		id, err := e.svc.RunVersion(e.ctx, e.ws, crm.Actor{Source: crm.SourceAPI}, v.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		// A worker claimed it and died: RUNNING, lease long expired, and
		// its job deleted (as if River had discarded it).
		past := time.Now().Add(-time.Hour)
		exec(t, s, `UPDATE workflow_runs SET status = 'RUNNING', lease_until = $1, updated_at = $1 WHERE id = $2`, s.Dialect.Time(past), id)
		exec(t, s, `DELETE FROM river_job WHERE kind = 'workflow_run'`)
		w := startWorker(t, s, envOpts{})
		if err := w.svc.RecoverStuck(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.svc = w.svc
		r := e.waitRun(id)
		if r.Status != workflow.RunCompleted {
			t.Fatalf("recovered run = %s: %s", r.Status, stateJSON(r))
		}
		if n := len(e.list(crm.NoteObject)); n != 1 {
			t.Errorf("notes = %d; want 1", n)
		}
	})
}

func exec(t *testing.T, s *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := s.Write.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrencyCap: with a cap of 2, no more than 2 runs of a workspace
// hold a lease at any moment, and every run still completes.
func TestConcurrencyCap(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{maxRuns: 2})
		_, v := e.active("Capped", manualTrigger, `[
		 {"id": "wait", "type": "DELAY", "nextStepIds": ["n"], "settings": {"input": {"delayType": "DURATION", "duration": {"seconds": 1}}}},
		 {"id": "n", "type": "HTTP_REQUEST", "settings": {"input": {"url": "http://127.0.0.1:1/"}, "errorHandlingOptions": {"continueOnFailure": {"value": true}, "retryOnFailure": {"value": false}}}}]`)
		var ids []string
		for i := 0; i < 6; i++ {
			id, err := e.svc.RunVersion(e.ctx, e.ws, crm.Actor{Source: crm.SourceAPI}, v.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		most := 0
		deadline := time.Now().Add(60 * time.Second)
		for {
			n := e.count(`SELECT COUNT(*) FROM workflow_runs WHERE workspace_id = $1 AND lease_until IS NOT NULL AND status = 'RUNNING'`)
			most = max(most, n)
			if done := e.count(`SELECT COUNT(*) FROM workflow_runs WHERE workspace_id = $1 AND status = 'COMPLETED'`); done == len(ids) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("runs not all completed within 60 s")
			}
			time.Sleep(5 * time.Millisecond)
		}
		if most > 2 {
			t.Errorf("at most %d runs held a lease at once; want <= 2", most)
		}
	})
}

// TestRetentionKeepsLastRuns: pruning keeps the newest runs of each
// workflow and deletes older ended ones only.
func TestRetentionKeepsLastRuns(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{noWork: true})
		w, v := e.active("Many", manualTrigger, `[{"id": "n", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "note", "objectRecord": {"title": "x"}}}}]`)
		other, ov := e.active("Few", manualTrigger, `[{"id": "n", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "note", "objectRecord": {"title": "x"}}}}]`)
		base := time.Now().Add(-time.Hour)
		insert := func(wfID, versionID, status string, i int) {
			at := s.Dialect.Time(base.Add(time.Duration(i) * time.Second))
			exec(t, s, `INSERT INTO workflow_runs (id, workspace_id, workflow_id, workflow_version_id, name, status, state, created_at, updated_at)
VALUES ($1, $2, $3, $4, 'r', $5, '{}', $6, $6)`, crm.NewID(), e.ws, wfID, versionID, status, at)
		}
		for i := 0; i < 12; i++ {
			st := workflow.RunCompleted
			if i == 0 {
				st = workflow.RunRunning // an old run still open is kept
			}
			insert(w.ID, v.ID, st, i)
		}
		for i := 0; i < 3; i++ {
			insert(other.ID, ov.ID, workflow.RunFailed, i)
		}
		n, err := s.WorkflowRunsPrune(context.Background(), 5)
		if err != nil {
			t.Fatal(err)
		}
		if n != 6 {
			t.Errorf("pruned %d runs; want 6 (12 minus the newest 5 minus the open one)", n)
		}
		if got := len(e.runs(w.ID)); got != 6 {
			t.Errorf("runs kept of the busy workflow = %d; want 6", got)
		}
		if got := len(e.runs(other.ID)); got != 3 {
			t.Errorf("runs kept of the quiet workflow = %d; want 3", got)
		}
	})
}

// TestMetrics: the engine reports runs by status, runs started and ended,
// step latency and queue depth.
func TestMetrics(t *testing.T) {
	s := storetest.NewSQLite(t)
	ctx := context.Background()
	if err := jobs.Migrate(ctx, s); err != nil {
		t.Fatal(err)
	}
	var ws string
	if err := s.InTx(ctx, func(tx *sql.Tx) error {
		w, err := s.WorkspaceCreate(ctx, tx, &store.WorkspaceCreateParams{Name: "M", Now: time.Now()})
		ws = w.ID
		return err
	}); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	q, err := jobs.New(ctx, jobs.Config{Store: s, InsertOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	rs := records.New(records.Config{Store: s})
	svc, err := workflow.New(workflow.Config{Store: s, Records: rs, Queue: q, Metrics: reg})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: ctx, s: s, ws: ws, svc: svc, records: rs}
	_, v := e.active("M", manualTrigger, `[{"id": "n", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "note", "objectRecord": {"title": "x"}}}}]`)
	if _, err := svc.RunVersion(ctx, ws, crm.Actor{}, v.ID, nil); err != nil {
		t.Fatal(err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range families {
		var vals []string
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				vals = append(vals, l.GetName()+"="+l.GetValue())
			}
			if g := m.GetGauge(); g != nil {
				vals = append(vals, fmt.Sprint(g.GetValue()))
			}
		}
		got[f.GetName()] = strings.Join(vals, ",")
	}
	if !strings.Contains(got["roster_workflow_runs"], "status=ENQUEUED,1") {
		t.Errorf("roster_workflow_runs = %q; want ENQUEUED 1", got["roster_workflow_runs"])
	}
	if got["roster_workflow_queue_depth"] != "1" {
		t.Errorf("roster_workflow_queue_depth = %q; want 1", got["roster_workflow_queue_depth"])
	}
	if !strings.Contains(got["roster_workflow_runs_total"], "event=started,status=ENQUEUED") {
		t.Errorf("roster_workflow_runs_total = %q; want a started run", got["roster_workflow_runs_total"])
	}
}
