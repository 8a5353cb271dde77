package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/whopsync"
)

// whopSyncNow starts a sync (or joins the running one) and sends the browser
// to the page that follows it. Members may sync too.
func (u *UI) whopSyncNow(w http.ResponseWriter, r *http.Request) error {
	if u.cfg.Whop == nil {
		return u.whopOff()
	}
	run, err := u.cfg.Whop.TriggerSync(r.Context(), auth.PrincipalFrom(r.Context()), false)
	if err != nil {
		if e, ok := crm.AsError(err); ok && !errors.Is(err, crm.ErrForbidden) {
			return u.redirect(w, r, "/settings/integrations/whop", "Sync not started: "+e.Message)
		}
		return err
	}
	return u.redirect(w, r, "/settings/integrations/whop?run="+run.ID+"#sync", "Sync started.")
}

// whopRunEvent is one progress message of the sync stream.
type whopRunEvent struct {
	ID          string   `json:"id"`
	Status      string   `json:"status"`
	Phase       string   `json:"phase"`
	Step        int      `json:"step"`
	Steps       int      `json:"steps"`
	Products    int      `json:"products"`
	Users       int      `json:"users"`
	Memberships int      `json:"memberships"`
	Payments    int      `json:"payments"`
	Writes      int      `json:"writes"`
	Requests    int      `json:"requests"`
	Errors      []string `json:"errors"`
	Done        bool     `json:"done"`
	// Started and Finished are the run's times as the page writes them
	// ("" while not yet), with their ISO forms for <time datetime>, so the
	// live page shows one date format and never "Not yet" for a time the
	// server knows.
	Started     string `json:"started"`
	StartedISO  string `json:"startedIso"`
	Finished    string `json:"finished"`
	FinishedISO string `json:"finishedIso"`
}

func whopEventOf(run *whopsync.SyncRun) whopRunEvent {
	errs := run.Errors
	if errs == nil {
		errs = []string{}
	}
	ev := whopRunEvent{ID: run.ID, Status: run.Status, Phase: run.Phase, Step: whopRunStep(run), Steps: len(whopSyncSteps),
		Products: run.ProductsCount, Users: run.UsersCount, Memberships: run.MembershipsCount, Payments: run.PaymentsCount,
		Writes: run.WritesCount, Requests: run.RequestsCount, Errors: errs,
		Done: whopsync.Finished(run)}
	if run.StartedAt != nil {
		ev.Started, ev.StartedISO = formatDateTime(*run.StartedAt), formatISO(*run.StartedAt)
	}
	if run.FinishedAt != nil {
		ev.Finished, ev.FinishedISO = formatDateTime(*run.FinishedAt), formatISO(*run.FinishedAt)
	}
	return ev
}

// whopSyncPoll is how often the stream reads the run.
const whopSyncPoll = 500 * time.Millisecond

// whopSyncEvents streams a run's progress as server-sent events: a
// "progress" event (JSON: phase and counts) every whopSyncPoll, and a
// final "done" event when it ends. It stops when the client goes away, and
// after an hour in any case (EventSource reconnects).
func (u *UI) whopSyncEvents(w http.ResponseWriter, r *http.Request) error {
	if u.cfg.Whop == nil {
		return u.whopOff()
	}
	r = httpserver.Stream(w, r) // lives past the request deadlines, up to the hour
	ctx := r.Context()
	ws, id := auth.PrincipalFrom(ctx).WorkspaceID, r.PathValue("runID")
	run, err := u.cfg.Whop.SyncRun(ctx, ws, id)
	if err != nil {
		return err // before any byte is written: a normal error page
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache, no-store")
	h.Set("X-Accel-Buffering", "no") // nginx and friends: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	tick := time.NewTicker(whopSyncPoll)
	defer tick.Stop()
	deadline := time.Now().Add(time.Hour)
	for {
		ev := whopEventOf(run)
		b, err := json.Marshal(ev)
		if err != nil {
			return nil
		}
		name := "progress"
		if ev.Done {
			name = "done"
		}
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, b); err != nil {
			return nil // the client went away
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
		if ev.Done || time.Now().After(deadline) {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		if run, err = u.cfg.Whop.SyncRun(ctx, ws, id); err != nil {
			if ctx.Err() == nil {
				u.log.ErrorContext(ctx, "web: whop sync stream", "error", err, "run_id", id)
			}
			return nil
		}
	}
}
