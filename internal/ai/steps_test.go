package ai_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/ai"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/workflow"
)

// startWorkflows runs the workflow engine on e's database with the AI
// steps registered, records' events feeding its triggers.
func startWorkflows(t *testing.T, e *env) *workflow.Service {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, e.s); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	queue := jobs.Prepare(jobs.Config{Store: e.s, Logger: logger, FetchPollInterval: 100 * time.Millisecond})
	bus := &records.Bus{}
	e.records = records.New(records.Config{Store: e.s, Jobs: queue})
	wf, err := workflow.New(workflow.Config{Store: e.s, Records: e.records, Queue: queue, Logger: logger,
		RetryDelays: []time.Duration{10 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if err := ai.RegisterSteps(wf.Registry(), e.ai); err != nil {
		t.Fatal(err)
	}
	ai.RegisterTemplates()
	bus.Subscribe(wf.Subscriber())
	if err := jobs.Register(queue.Registry(), &records.EventsWorker{Bus: bus}); err != nil {
		t.Fatal(err)
	}
	if err := workflow.Register(queue.Registry(), wf); err != nil {
		t.Fatal(err)
	}
	if err := queue.Open(ctx); err != nil {
		t.Fatal(err)
	}
	if err := queue.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = queue.Stop(stop)
	})
	return wf
}

// The AI template activates and runs on the offline provider: a negative
// note gets a follow-up task, a positive one does not, and the usage rows
// name the runs.
func TestUnhappyMemberTemplate(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{})
		wf := startWorkflows(t, e)
		w, v, err := wf.CreateFromTemplate(e.ctx, e.ws, ai.UnhappyMemberTemplate.Key)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := wf.ActivateVersion(e.ctx, e.ws, v.ID); err != nil || !ok {
			t.Fatalf("ActivateVersion() = %v, %v", ok, err)
		}
		e.note(crm.ObjectPerson, e.person, "Renewal call", "Ada is really frustrated: the app keeps failing and she wants a refund.")
		e.note(crm.ObjectPerson, e.person, "Demo", "Great demo, the team loved it.")
		var runs []*workflow.Run
		poll.Until(t, 60*time.Second, func() error {
			pg, err := wf.Runs(e.ctx, e.ws, workflow.RunFilter{WorkflowID: w.ID}, workflow.ListParams{First: 10})
			if err != nil {
				return err
			}
			runs = pg.Items
			if len(runs) != 2 {
				return fmt.Errorf("%d runs; want 2", len(runs))
			}
			for _, r := range runs {
				if r.Status != workflow.RunCompleted && r.Status != workflow.RunFailed {
					return fmt.Errorf("run %s is %s", r.ID, r.Status)
				}
			}
			return nil
		})
		for _, r := range runs {
			if r.Status != workflow.RunCompleted {
				b, _ := json.Marshal(r.State)
				t.Fatalf("run %s is %s: %s", r.ID, r.Status, b)
			}
		}
		schema, _ := e.records.Schema(e.ctx, e.ws, crm.TaskObject)
		pg, err := e.records.List(e.ctx, e.ws, schema, crm.ListParams{First: 50})
		if err != nil {
			t.Fatal(err)
		}
		var followUps []*crm.Task
		for _, r := range pg.Records {
			if task := r.(*crm.Task); task.Title == "Follow up: unhappy member" {
				followUps = append(followUps, task)
			}
		}
		if len(followUps) != 1 || !strings.Contains(followUps[0].BodyV2.Markdown, `"Renewal call" reads negative`) ||
			!strings.Contains(followUps[0].BodyV2.Markdown, "offline lexicon-v1") {
			t.Fatalf("follow-up tasks = %+v; want one for the negative note", followUps)
		}
		rows := e.usage()
		if len(rows) != 2 || rows[0].WorkflowRunID == nil || rows[1].WorkflowRunID == nil || *rows[0].WorkflowRunID == *rows[1].WorkflowRunID {
			t.Errorf("usage = %+v; want one row per run naming it", rows)
		}
	})
}

// AI steps check their input at activation and name the field.
func TestStepsValidate(t *testing.T) {
	s := storetest.NewSQLite(t)
	e := newEnv(t, s, envOpts{})
	wf := startWorkflows(t, e)
	for _, tc := range []struct{ name, steps, field string }{
		{"sentiment without text", `[{"id":"a","name":"a","type":"AI_ANALYZE_SENTIMENT","settings":{"input":{}}}]`, "settings.input.text"},
		{"score of a task", `[{"id":"a","name":"a","type":"AI_SCORE_LEAD","settings":{"input":{"objectName":"task","recordId":"x"}}}]`, "settings.input.objectName"},
		{"draft without goal", `[{"id":"a","name":"a","type":"AI_DRAFT_EMAIL","settings":{"input":{"recordId":"{{trigger.object.id}}"}}}]`, "settings.input.goal"},
		{"generate with both", `[{"id":"a","name":"a","type":"AI_GENERATE_TEXT","settings":{"input":{"prompt":"hi","templateId":"builtin:AI_GENERATE_TEXT"}}}]`, "settings.input.prompt"},
		{"generate with a sentiment template", `[{"id":"a","name":"a","type":"AI_GENERATE_TEXT","settings":{"input":{"templateId":"builtin:AI_ANALYZE_SENTIMENT"}}}]`, "settings.input.templateId"},
		{"summary without record", `[{"id":"a","name":"a","type":"AI_SUMMARIZE_NOTES","settings":{"input":{"objectName":"person"}}}]`, "settings.input.recordId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := wf.CreateWorkflow(e.ctx, e.ws, workflow.CreateWorkflowInput{Name: tc.name})
			if err != nil {
				t.Fatal(err)
			}
			vs, err := wf.Versions(e.ctx, e.ws, workflow.VersionFilter{WorkflowID: w.ID}, workflow.ListParams{})
			if err != nil {
				t.Fatal(err)
			}
			v, err := wf.UpdateVersion(e.ctx, e.ws, vs.Items[0].ID, workflow.VersionInput{Trigger: []byte(`{"type":"DATABASE_EVENT","settings":{"eventName":"person.created"}}`), Steps: []byte(tc.steps)})
			if err != nil {
				t.Fatal(err)
			}
			_, err = wf.ActivateVersion(e.ctx, e.ws, v.ID)
			if ce, ok := crm.AsError(err); !ok || !strings.Contains(ce.Field, tc.field) {
				t.Errorf("ActivateVersion() = %v; want an error on %s", err, tc.field)
			}
		})
	}
}
