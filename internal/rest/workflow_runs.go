package rest

import (
	"net/http"

	"github.com/roster-crm/roster/internal/workflow"
)

func (h *handler) registerWorkflowRuns(mux Mux) {
	mux.Handle("GET /rest/workflowRuns", h.json(h.workflowRunList))
	mux.Handle("GET /rest/workflowRuns/{id}", h.json(h.workflowRunGet))
	mux.Handle("POST /rest/workflowRuns/{id}/stop", h.json(h.workflowRunStop))
}

// workflowRunList serves GET /rest/workflowRuns
// (?filter=workflowId[eq]:...,workflowVersionId[eq]:...,status[eq]:...),
// newest first.
func (h *handler) workflowRunList(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.workflowsFor(r, false)
	if err != nil {
		return err
	}
	f, lp, err := workflowQuery(r, "workflowId", "workflowVersionId", "status")
	if err != nil {
		return err
	}
	pg, err := svc.Runs(r.Context(), p.WorkspaceID, workflow.RunFilter{WorkflowID: f["workflowId"], WorkflowVersionID: f["workflowVersionId"], Status: f["status"]}, lp)
	if err != nil {
		return err
	}
	return writeList(w, "workflowRuns", pg, lp.After)
}

// workflowRunGet serves GET /rest/workflowRuns/{id}: the run with its state.
func (h *handler) workflowRunGet(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.workflowsFor(r, false)
	if err != nil {
		return err
	}
	run, err := svc.Run(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return data(w, http.StatusOK, "workflowRun", run)
}

// workflowRunStop serves POST /rest/workflowRuns/{id}/stop.
func (h *handler) workflowRunStop(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.workflowsFor(r, false)
	if err != nil {
		return err
	}
	run, err := svc.StopRun(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return data(w, http.StatusOK, "stopWorkflowRun", run)
}
