package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/workflow"
)

type workflowRunData struct {
	Tab      string
	Workflow *workflow.Workflow
	Run      *workflow.Run
	// Trigger is what the trigger handed the steps.
	Trigger string
	Steps   []runStep
	// Open is set while the run may still change: the page refreshes.
	Open bool
}

// runStep is one step as the run page shows it.
type runStep struct {
	ID, Name, Type, Status string
	Input, Output, Error   string
	Duration               string
}

// workflowRunShow shows a run: its status, what the trigger handed over,
// and each step's status, input, output, error and duration, in the order
// of the run's definition. While the run is open the page refreshes
// itself every few seconds (a meta refresh: no script needed).
func (u *UI) workflowRunShow(w http.ResponseWriter, r *http.Request) error {
	q, run, err := u.workflowRun(r)
	if err != nil {
		return err
	}
	wf := q.wf
	d := workflowRunData{Tab: "runs", Workflow: wf, Run: run}
	switch run.Status {
	case workflow.RunNotStarted, workflow.RunEnqueued, workflow.RunRunning, workflow.RunStopping:
		d.Open = true
	}
	if info := run.State.StepInfos[workflow.TriggerStepID]; info != nil {
		d.Trigger = indentJSON(info.Result)
	}
	var steps []*workflow.Step
	_ = json.Unmarshal(run.State.Flow.Steps, &steps)
	for _, s := range steps {
		rs := runStep{ID: s.ID, Name: s.Name, Type: stepTypeLabel(s.Type), Status: workflow.StepNotStarted}
		if rs.Name == "" {
			rs.Name = s.ID
		}
		if info := run.State.StepInfos[s.ID]; info != nil {
			rs.Status = info.Status
			if info.Input != nil {
				rs.Input = indentJSON(info.Input)
			}
			if info.Result != nil {
				rs.Output = indentJSON(info.Result)
			}
			if info.Error != nil {
				rs.Error = *info.Error
			}
			if info.StartedAt != nil && info.EndedAt != nil {
				rs.Duration = formatDuration(info.EndedAt.Sub(*info.StartedAt))
			}
		}
		d.Steps = append(d.Steps, rs)
	}
	if d.Open {
		w.Header().Set("Cache-Control", "no-store")
	}
	return u.render(w, r, "workflow_run", run.Name+" run · Automations", d)
}

// formatDuration writes a step's duration for people: 12 ms, 1.4 s, 2 d 3 h.
func formatDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%d min %d s", int(d.Minutes()), int(d.Seconds())%60)
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d d %d h", int(d.Hours())/24, int(d.Hours())%24)
}

// workflowRunStop stops a run (at once when it waits, else at its next
// step) and shows it again.
func (u *UI) workflowRunStop(w http.ResponseWriter, r *http.Request) error {
	q, run, err := u.workflowRun(r)
	if err != nil {
		return err
	}
	run, err = q.svc.StopRun(r.Context(), q.ws, run.ID)
	if err != nil {
		return err
	}
	return u.redirect(w, r, "/workflows/"+run.WorkflowID+"/runs/"+run.ID, "Run "+strings.ToLower(titleCase(run.Status))+".")
}

// workflowRun loads the run a request names ({runID}), which must be a run
// of its workflow ({id}).
func (u *UI) workflowRun(r *http.Request) (*workflowReq, *workflow.Run, error) {
	q, err := u.workflowRequest(r, false)
	if err != nil {
		return nil, nil, err
	}
	run, err := q.svc.Run(r.Context(), q.ws, r.PathValue("runID"))
	if err != nil {
		return nil, nil, err
	}
	if run.WorkflowID != q.wf.ID {
		return nil, nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "no such run of this workflow"}
	}
	return q, run, nil
}
