package rest

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/workflow"
)

func (h *handler) registerWorkflowVersions(mux Mux) {
	mux.Handle("GET /rest/workflowVersions", h.json(h.workflowVersionList))
	mux.Handle("POST /rest/workflowVersions", h.json(h.workflowVersionCreate))
	mux.Handle("GET /rest/workflowVersions/{id}", h.json(h.workflowVersionGet))
	mux.Handle("PATCH /rest/workflowVersions/{id}", h.json(h.workflowVersionUpdate))
	mux.Handle("POST /rest/workflowVersions/{id}/activate", h.json(h.workflowVersionStatus("activateWorkflowVersion", (*workflow.Service).ActivateVersion)))
	mux.Handle("POST /rest/workflowVersions/{id}/deactivate", h.json(h.workflowVersionStatus("deactivateWorkflowVersion", (*workflow.Service).DeactivateVersion)))
	mux.Handle("POST /rest/workflowVersions/{id}/draft", h.json(h.workflowVersionDraft))
	mux.Handle("POST /rest/workflowVersions/{id}/run", h.json(h.workflowVersionRun))
}

// versionBody is the JSON of a version create or update; absent keys stay
// nil (a JSON null trigger arrives as "null" and clears it).
type versionBody struct {
	WorkflowID string          `json:"workflowId"`
	Name       *string         `json:"name"`
	Trigger    json.RawMessage `json:"trigger"`
	Steps      json.RawMessage `json:"steps"`
}

func (b versionBody) input() workflow.VersionInput {
	return workflow.VersionInput{WorkflowID: b.WorkflowID, Name: b.Name, Trigger: b.Trigger, Steps: b.Steps}
}

// workflowVersionList serves GET /rest/workflowVersions
// (?filter=workflowId[eq]:...,status[eq]:...).
func (h *handler) workflowVersionList(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.workflowsFor(r, false)
	if err != nil {
		return err
	}
	f, lp, err := workflowQuery(r, "workflowId", "status")
	if err != nil {
		return err
	}
	pg, err := svc.Versions(r.Context(), p.WorkspaceID, workflow.VersionFilter{WorkflowID: f["workflowId"], Status: f["status"]}, lp)
	if err != nil {
		return err
	}
	return writeList(w, "workflowVersions", pg, lp.After)
}

// workflowVersionCreate serves POST /rest/workflowVersions {workflowId,
// name, trigger, steps}: a new DRAFT.
func (h *handler) workflowVersionCreate(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.workflowsFor(r, true)
	if err != nil {
		return err
	}
	var b versionBody
	if err := httpserver.DecodeJSON(r, &b); err != nil {
		return err
	}
	v, err := svc.CreateVersion(r.Context(), p.WorkspaceID, b.input())
	if err != nil {
		return err
	}
	return data(w, http.StatusCreated, "createWorkflowVersion", v)
}

// workflowVersionGet serves GET /rest/workflowVersions/{id}.
func (h *handler) workflowVersionGet(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.workflowsFor(r, false)
	if err != nil {
		return err
	}
	v, err := svc.Version(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return data(w, http.StatusOK, "workflowVersion", v)
}

// workflowVersionUpdate serves PATCH /rest/workflowVersions/{id} (drafts
// only).
func (h *handler) workflowVersionUpdate(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.workflowsFor(r, true)
	if err != nil {
		return err
	}
	var b versionBody
	if err := httpserver.DecodeJSON(r, &b); err != nil {
		return err
	}
	v, err := svc.UpdateVersion(r.Context(), p.WorkspaceID, r.PathValue("id"), b.input())
	if err != nil {
		return err
	}
	return data(w, http.StatusOK, "updateWorkflowVersion", v)
}

// workflowVersionStatus serves POST /rest/workflowVersions/{id}/activate
// (a refusal is a 400 naming the step or trigger setting and the field) and
// .../deactivate: {"data": {"activateWorkflowVersion": true}}.
func (h *handler) workflowVersionStatus(key string, change func(*workflow.Service, context.Context, string, string) (bool, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, svc, err := h.workflowsFor(r, true)
		if err != nil {
			return err
		}
		ok, err := change(svc, r.Context(), p.WorkspaceID, r.PathValue("id"))
		if err != nil {
			return err
		}
		return data(w, http.StatusOK, key, ok)
	}
}

// workflowVersionDraft serves POST /rest/workflowVersions/{id}/draft:
// createDraftFromWorkflowVersion of that version into its workflow.
func (h *handler) workflowVersionDraft(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.workflowsFor(r, true)
	if err != nil {
		return err
	}
	from, err := svc.Version(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := svc.CreateDraftFromVersion(r.Context(), p.WorkspaceID, from.WorkflowID, from.ID)
	if err != nil {
		return err
	}
	return data(w, http.StatusCreated, "createDraftFromWorkflowVersion", v)
}

// workflowVersionRun serves POST /rest/workflowVersions/{id}/run
// {"payload": {...}}: a manual (or test) run, 202 with its ID.
func (h *handler) workflowVersionRun(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.workflowsFor(r, false)
	if err != nil {
		return err
	}
	var b struct {
		Payload any `json:"payload"`
	}
	if r.ContentLength != 0 {
		if err := httpserver.DecodeJSON(r, &b); err != nil {
			return err
		}
	}
	var payload map[string]any
	if b.Payload != nil {
		m, ok := b.Payload.(map[string]any)
		if !ok {
			return crm.Invalid("payload", crm.CodeInvalidType, "expected a JSON object")
		}
		payload = m
	}
	id, err := svc.RunVersion(r.Context(), p.WorkspaceID, p.Actor(), r.PathValue("id"), payload)
	if err != nil {
		return err
	}
	return data(w, http.StatusAccepted, "runWorkflowVersion", map[string]any{"workflowRunId": id})
}
