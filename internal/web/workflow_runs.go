package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/workflow"
)

type workflowRunsData struct {
	Tab      string
	Workflow *workflow.Workflow
	Runs     []*workflow.Run
	Total    int
	More     string
}

// workflowRuns lists a workflow's runs, newest first, 50 a page.
func (u *UI) workflowRuns(w http.ResponseWriter, r *http.Request) error {
	q, err := u.workflowRequest(r, false)
	if err != nil {
		return err
	}
	wf := q.wf
	pg, err := q.svc.Runs(r.Context(), q.ws, workflow.RunFilter{WorkflowID: wf.ID}, workflow.ListParams{First: 50, After: r.URL.Query().Get("after"), WithTotal: true})
	if err != nil {
		return err
	}
	d := workflowRunsData{Tab: "runs", Workflow: wf, Runs: pg.Items, Total: pg.TotalCount}
	if pg.HasNextPage {
		d.More = pg.Cursors[len(pg.Cursors)-1]
	}
	return u.render(w, r, "workflow_runs", "Runs of "+wf.Name+" · Automations", d)
}
