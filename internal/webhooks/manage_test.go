package webhooks_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/webhooks"
)

func TestMatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ops   []string
		event string
		want  bool
	}{
		{[]string{"person.created"}, "person.created", true},
		{[]string{"person.created"}, "person.updated", false},
		{[]string{"person.created"}, "company.created", false},
		{[]string{"*.updated"}, "person.updated", true},
		{[]string{"*.updated"}, "opportunity.updated", true},
		{[]string{"*.updated"}, "opportunity.created", false},
		{[]string{"person.*"}, "person.deleted", true},
		{[]string{"person.*"}, "company.deleted", false},
		{[]string{"*.*"}, "task.destroyed", true},
		{[]string{"company.created", "*.deleted"}, "note.deleted", true},
		{[]string{"company.created", "*.deleted"}, "note.created", false},
	}
	for _, tt := range tests {
		if got := webhooks.Matches(tt.ops, tt.event); got != tt.want {
			t.Errorf("Matches(%v, %q) = %v; want %v", tt.ops, tt.event, got, tt.want)
		}
	}
}

// TestCreateValidation checks that bad input names the field and stores
// nothing.
func TestCreateValidation(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHarness(t, s, harnessOptions{Guarded: true})
		tests := []struct {
			name  string
			in    webhooks.CreateParams
			field string
		}{
			{"no URL", webhooks.CreateParams{Operations: []string{"*.*"}}, "targetUrl"},
			{"not http", webhooks.CreateParams{TargetURL: "ftp://hooks.example.com/", Operations: []string{"*.*"}}, "targetUrl"},
			{"loopback", webhooks.CreateParams{TargetURL: "http://127.0.0.1:9000/", Operations: []string{"*.*"}}, "targetUrl"},
			{"decimal loopback", webhooks.CreateParams{TargetURL: "http://2130706433/", Operations: []string{"*.*"}}, "targetUrl"},
			{"metadata", webhooks.CreateParams{TargetURL: "http://169.254.169.254/latest", Operations: []string{"*.*"}}, "targetUrl"},
			{"credentials", webhooks.CreateParams{TargetURL: "https://user:pw@hooks.example.com/", Operations: []string{"*.*"}}, "targetUrl"},
			{"no operations", webhooks.CreateParams{TargetURL: "https://hooks.example.com/"}, "operations"},
			{"unknown object", webhooks.CreateParams{TargetURL: "https://hooks.example.com/", Operations: []string{"people.created"}}, "operations"},
			{"unknown event", webhooks.CreateParams{TargetURL: "https://hooks.example.com/", Operations: []string{"person.changed"}}, "operations"},
			{"no dot", webhooks.CreateParams{TargetURL: "https://hooks.example.com/", Operations: []string{"person"}}, "operations"},
			{"long description", webhooks.CreateParams{TargetURL: "https://hooks.example.com/", Operations: []string{"*.*"}, Description: strings.Repeat("x", 1001)}, "description"},
		}
		for _, tt := range tests {
			_, err := h.hooks.Create(ctx, h.admin, tt.in)
			var ce *crm.Error
			if !errors.As(err, &ce) || !errors.Is(err, crm.ErrInvalid) || ce.Field != tt.field {
				t.Errorf("Create(%s) = %v; want ErrInvalid on %s", tt.name, err, tt.field)
			}
		}
		pg, err := h.hooks.List(ctx, h.admin, webhooks.ListParams{})
		if err != nil || pg.TotalCount != 0 {
			t.Errorf("List() after refused creates = %+v, %v; want none", pg, err)
		}
		w, err := h.hooks.Create(ctx, h.admin, webhooks.CreateParams{TargetURL: " https://hooks.example.com/roster ", Operations: []string{" Person.Created", "*.updated", "*.updated"}})
		if err != nil {
			t.Fatal(err)
		}
		if w.TargetURL != "https://hooks.example.com/roster" || fmt.Sprint(w.Operations) != "[person.created *.updated]" || !w.Enabled {
			t.Errorf("Create() = %+v; want trimmed URL, normalised operations, enabled", w)
		}
	})
}

// TestOperationMatchingDelivers writes creates, updates and deletes and
// checks that each webhook gets exactly the events its operations name.
func TestOperationMatchingDelivers(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHarness(t, s, harnessOptions{})
		rc := newReceiver(t)
		created := h.createHook(h.admin, rc.URL+"/created", "person.created")
		updated := h.createHook(h.admin, rc.URL+"/updated", "*.updated")
		all := h.createHook(h.admin, rc.URL+"/all", "*.*")
		company := h.createHook(h.admin, rc.URL+"/company", "company.*")

		ada := h.createPeople(h.ws, "Ada")[0]
		actor := crm.Actor{Source: crm.SourceAPI, Name: "test"}
		if _, err := h.records.Update(ctx, records.UpdateParams{WorkspaceID: h.ws, Object: crm.PersonObject, ID: ada.Meta().ID, Actor: actor, Input: crm.Input{"city": "Paris"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.records.Delete(ctx, records.Ref{WorkspaceID: h.ws, Object: crm.PersonObject, ID: ada.Meta().ID, Actor: actor}); err != nil {
			t.Fatal(err)
		}
		h.waitEventsDone()
		want := map[string][]string{
			created.ID: {"person.created"},
			updated.ID: {"person.updated"},
			all.ID:     {"person.created", "person.deleted", "person.updated"},
			company.ID: nil,
		}
		for id, types := range want {
			pg, err := h.hooks.Deliveries(ctx, h.admin, webhooks.DeliveriesParams{WebhookID: id})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range pg.Deliveries {
				got = append(got, d.EventType)
			}
			slices.Sort(got)
			if fmt.Sprint(got) != fmt.Sprint(types) {
				t.Errorf("webhook %s deliveries = %v; want %v", id, got, types)
			}
		}
		// The update's payload names the changed field.
		pg, _ := h.hooks.Deliveries(ctx, h.admin, webhooks.DeliveriesParams{WebhookID: updated.ID})
		if len(pg.Deliveries) == 1 && !strings.Contains(pg.Deliveries[0].Body, `"updatedFields":["city"]`) {
			t.Errorf("update payload = %s; want updatedFields [city]", pg.Deliveries[0].Body)
		}
	})
}

// TestDispatchIdempotent runs the events of one write through Dispatch
// again, as a re-run of the events job would: nothing new is stored or
// enqueued.
func TestDispatchIdempotent(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHarness(t, s, harnessOptions{})
		rc := newReceiver(t)
		hook := h.createHook(h.admin, rc.URL, "person.created")
		ada := h.createPeople(h.ws, "Ada")[0]
		h.waitJob(h.firstJob().ID, 1, rivertype.JobStateCompleted)
		pg, _ := h.hooks.Deliveries(ctx, h.admin, webhooks.DeliveriesParams{WebhookID: hook.ID})
		if len(pg.Deliveries) != 1 {
			t.Fatalf("%d deliveries; want 1", len(pg.Deliveries))
		}
		// The event exactly as the events job carried it.
		res, err := h.queue.Client().JobList(ctx, river.NewJobListParams().Kinds("crm_events"))
		if err != nil || len(res.Jobs) != 1 {
			t.Fatalf("events jobs = %v, %v; want 1", res, err)
		}
		var args records.EventsArgs
		if err := json.Unmarshal(res.Jobs[0].EncodedArgs, &args); err != nil || len(args.Events) != 1 {
			t.Fatalf("events job args %s: %v", res.Jobs[0].EncodedArgs, err)
		}
		ev := args.Events[0]
		if ev.RecordID != ada.Meta().ID || ev.ID == "" {
			t.Fatalf("event = %+v; want person %s with an ID", ev, ada.Meta().ID)
		}
		for range 2 {
			if err := h.hooks.Dispatch(ctx, []crm.Event{ev}); err != nil {
				t.Fatal(err)
			}
		}
		pg, _ = h.hooks.Deliveries(ctx, h.admin, webhooks.DeliveriesParams{WebhookID: hook.ID})
		if len(pg.Deliveries) != 1 || len(h.deliveryJobs()) != 1 || len(rc.requests()) != 1 {
			t.Errorf("after dispatching again: %d deliveries, %d jobs, %d requests; want 1 each", len(pg.Deliveries), len(h.deliveryJobs()), len(rc.requests()))
		}
	})
}

func TestRedeliver(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHarness(t, s, harnessOptions{})
		rc := newReceiver(t, http.StatusOK, http.StatusAccepted)
		hook := h.createHook(h.admin, rc.URL, "person.created")
		h.createPeople(h.ws, "Ada")
		h.waitJob(h.firstJob().ID, 1, rivertype.JobStateCompleted)
		d := h.delivery(hook.ID)
		if _, err := h.hooks.Redeliver(ctx, h.admin, webhooks.RedeliverParams{DeliveryID: d.ID}); err != nil {
			t.Fatal(err)
		}
		var again *webhooks.Delivery
		poll.Until(t, 30*time.Second, func() error {
			again = h.delivery(hook.ID)
			if len(again.Log) != 2 {
				return fmt.Errorf("%d attempts logged; want 2", len(again.Log))
			}
			return nil
		})
		reqs := rc.requests()
		if len(reqs) != 2 || reqs[1].Header.Get("webhook-id") != d.ID || string(reqs[1].Body) != string(reqs[0].Body) {
			t.Fatalf("redelivery requests = %d, id %q; want 2 with webhook-id %s and the same body", len(reqs), reqs[len(reqs)-1].Header.Get("webhook-id"), d.ID)
		}
		a := again.Log[0]
		if !a.Manual || a.Attempt != 2 || *a.StatusCode != http.StatusAccepted || again.Status != store.DeliverySucceeded {
			t.Errorf("redelivery attempt = %+v, delivery %s; want manual attempt 2 answered 202, delivery succeeded", a, again.Status)
		}
	})
}

// TestWorkspaceIsolation: another workspace's webhooks and deliveries are
// invisible and untouchable, and its events never reach this workspace's
// webhooks. Members (not admins) cannot manage webhooks at all.
func TestWorkspaceIsolation(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHarness(t, s, harnessOptions{})
		rcA, rcB := newReceiver(t), newReceiver(t)
		wsB, adminB := h.newWorkspace("Beta", "admin@beta.test")
		hookA := h.createHook(h.admin, rcA.URL, "*.*")
		hookB := h.createHook(adminB, rcB.URL, "*.*")
		h.createPeople(wsB, "Bea")
		h.waitJob(h.firstJob().ID, 1, rivertype.JobStateCompleted)
		if n := len(rcA.requests()); n != 0 {
			t.Errorf("workspace A's receiver got %d requests for B's event; want 0", n)
		}
		dB := func() *webhooks.Delivery {
			pg, err := h.hooks.Deliveries(ctx, adminB, webhooks.DeliveriesParams{WebhookID: hookB.ID})
			if err != nil || len(pg.Deliveries) != 1 {
				t.Fatalf("B's deliveries = %v, %v; want 1", pg, err)
			}
			return pg.Deliveries[0]
		}()

		desc := "taken over"
		checks := map[string]error{}
		_, checks["Get"] = h.hooks.Get(ctx, h.admin, hookB.ID)
		_, checks["Update"] = h.hooks.Update(ctx, h.admin, hookB.ID, webhooks.UpdateParams{Description: &desc})
		_, checks["Delete"] = h.hooks.Delete(ctx, h.admin, hookB.ID)
		_, checks["Deliveries"] = h.hooks.Deliveries(ctx, h.admin, webhooks.DeliveriesParams{WebhookID: hookB.ID})
		_, checks["Log"] = h.hooks.Log(ctx, h.admin, hookB.ID, 10)
		_, checks["Redeliver"] = h.hooks.Redeliver(ctx, h.admin, webhooks.RedeliverParams{DeliveryID: dB.ID})
		for op, err := range checks {
			if !errors.Is(err, crm.ErrNotFound) {
				t.Errorf("%s(B's webhook) as A's admin = %v; want ErrNotFound", op, err)
			}
		}
		pg, _ := h.hooks.List(ctx, h.admin, webhooks.ListParams{})
		if pg.TotalCount != 1 || pg.Webhooks[0].ID != hookA.ID {
			t.Errorf("List() as A = %+v; want only A's webhook", pg)
		}
		w, err := h.hooks.Get(ctx, adminB, hookB.ID)
		if err != nil || w.Description != "test" {
			t.Errorf("B's webhook after A's attempts = %+v, %v; want unchanged", w, err)
		}

		member := &auth.Principal{WorkspaceID: h.ws, Role: auth.RoleMember, Name: "member"}
		if _, err := h.hooks.List(ctx, member, webhooks.ListParams{}); !errors.Is(err, crm.ErrForbidden) {
			t.Errorf("List() as a member = %v; want ErrForbidden", err)
		}
		if _, err := h.hooks.Create(ctx, member, webhooks.CreateParams{TargetURL: "https://hooks.example.com/", Operations: []string{"*.*"}}); !errors.Is(err, crm.ErrForbidden) {
			t.Errorf("Create() as a member = %v; want ErrForbidden", err)
		}
	})
}

// TestSecretNeverShownAgain: the secret is in Create's answer only; lists,
// reads, printed values, the database and the logs never hold it in plain
// text.
func TestSecretNeverShownAgain(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHarness(t, s, harnessOptions{})
		rc := newReceiver(t, http.StatusInternalServerError, http.StatusOK)
		hook := h.createHook(h.admin, rc.URL, "person.created")
		sec := hook.Secret.Reveal()
		h.createPeople(h.ws, "Ada")
		job := h.waitJob(h.firstJob().ID, 1, rivertype.JobStateRetryable)
		h.retryNow(job.ID)
		h.waitJob(job.ID, 2, rivertype.JobStateCompleted)

		if got := fmt.Sprintf("%v %+v %#v %s", hook, hook, hook, hook.Secret); strings.Contains(got, sec) || strings.Contains(got, sec[len("whsec_"):]) {
			t.Errorf("printing the created webhook shows its secret: %s", got)
		}
		w, _ := h.hooks.Get(ctx, h.admin, hook.ID)
		pg, _ := h.hooks.List(ctx, h.admin, webhooks.ListParams{})
		if w.Secret != "" || pg.Webhooks[0].Secret != "" {
			t.Errorf("Get/List return a secret (%q, %q); want none", w.Secret.Reveal(), pg.Webhooks[0].Secret.Reveal())
		}
		var sealed string
		if err := s.Read.QueryRowContext(ctx, `SELECT secret_sealed FROM webhooks WHERE id = $1`, hook.ID).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if sealed == "" || strings.Contains(sealed, sec[len("whsec_"):]) {
			t.Errorf("stored secret %q; want it sealed", sealed)
		}
		if logs := h.logs.String(); strings.Contains(logs, sec[len("whsec_"):]) {
			t.Errorf("logs contain the secret:\n%s", logs)
		}
	})
}

// TestDeliveryRefusedByGuard: a webhook saved while private targets were
// allowed (or a name that resolves to this machine) is refused when the
// delivery dials it: the attempt is logged as refused and the receiver on
// loopback sees nothing.
func TestDeliveryRefusedByGuard(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHarness(t, s, harnessOptions{Guarded: true})
		rc := newReceiver(t)
		permissive := webhooks.New(webhooks.Config{Store: s, Records: h.records, Queue: h.queue, Sealer: testSealer(t), AllowPrivate: true})
		hook, err := permissive.Create(ctx, h.admin, webhooks.CreateParams{TargetURL: rc.URL, Operations: []string{"person.created"}})
		if err != nil {
			t.Fatal(err)
		}
		h.createPeople(h.ws, "Ada")
		h.waitJob(h.firstJob().ID, 1, rivertype.JobStateRetryable)
		d := h.delivery(hook.ID)
		if len(d.Log) != 1 || d.Log[0].StatusCode != nil || !strings.Contains(d.Log[0].Error, "refused by Roster's network guard") || !strings.Contains(d.Log[0].Error, "loopback") {
			t.Errorf("attempt log = %+v; want one attempt refused by the guard as loopback, with no status code", d.Log)
		}
		if n := len(rc.requests()); n != 0 {
			t.Errorf("loopback receiver got %d requests; want 0", n)
		}
	})
}

// TestAuditTrail: creating, changing and deleting a webhook, and Roster
// disabling one, are in the workspace's audit log with who did it; the log
// names the target without its query, where a token may sit.
func TestAuditTrail(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHarness(t, s, harnessOptions{})
		rc := newReceiver(t, http.StatusGone)
		hook := h.createHook(h.admin, rc.URL+"/in?token=s3cr3t-token", "person.created")
		off := false
		if _, err := h.hooks.Update(ctx, h.admin, hook.ID, webhooks.UpdateParams{Enabled: &off}); err != nil {
			t.Fatal(err)
		}
		on := true
		if _, err := h.hooks.Update(ctx, h.admin, hook.ID, webhooks.UpdateParams{Enabled: &on}); err != nil {
			t.Fatal(err)
		}
		h.createPeople(h.ws, "Ada")
		h.waitJob(h.firstJob().ID, 1, rivertype.JobStateCancelled) // 410: disabled
		if _, err := h.hooks.Delete(ctx, h.admin, hook.ID); err != nil {
			t.Fatal(err)
		}
		pg, err := h.audit.List(ctx, h.ws, audit.ListParams{Filter: audit.Filter{Prefix: "webhook."}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range pg.Events {
			got = append(got, string(e.Action)+" by "+string(e.Actor.Kind))
			if e.Target.ID != hook.ID || e.Target.Label != rc.URL+"/in" {
				t.Errorf("%s target = %+v; want webhook %s labelled %s/in", e.Action, e.Target, hook.ID, rc.URL)
			}
		}
		want := "[webhook.deleted by api_key webhook.disabled by system webhook.updated by api_key webhook.updated by api_key webhook.created by api_key]"
		if fmt.Sprint(got) != want {
			t.Errorf("audit log = %v; want %s", got, want)
		}
	})
}

func TestScheduleText(t *testing.T) {
	t.Parallel()
	if got, want := webhooks.ScheduleText(), "5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h"; got != want {
		t.Errorf("ScheduleText() = %q; want %q", got, want)
	}
}
