package rest

import (
	"net/http"
	"slices"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/workflow"
)

// registerWorkflows mounts /rest/workflows, /rest/workflowVersions and
// /rest/workflowRuns. The paths are more specific than /rest/{object}, so
// they take precedence.
func (h *handler) registerWorkflows(mux Mux) {
	mux.Handle("GET /rest/workflows", h.json(h.workflowList))
	mux.Handle("POST /rest/workflows", h.json(h.workflowCreate))
	mux.Handle("GET /rest/workflows/{id}", h.json(h.workflowGet))
	mux.Handle("DELETE /rest/workflows/{id}", h.json(h.workflowDelete))
	h.registerWorkflowVersions(mux)
	h.registerWorkflowRuns(mux)
}

// workflowsFor authenticates the request and returns the workflow service,
// checking that the caller may make the change (change true).
func (h *handler) workflowsFor(r *http.Request, change bool) (*auth.Principal, *workflow.Service, error) {
	p := auth.PrincipalFrom(r.Context())
	if p == nil {
		return nil, nil, &crm.Error{Cause: crm.ErrUnauthenticated, Code: crm.CodeUnauthenticated, Message: "authentication required: send an API key as \"Authorization: Bearer KEY\""}
	}
	if h.workflows == nil {
		return nil, nil, crm.Invalid("", crm.CodeInvalidValue, "workflows are not enabled on this server")
	}
	if err := workflow.Authorize(p, change); err != nil {
		return nil, nil, err
	}
	return p, h.workflows, nil
}

// workflowQuery reads the list parameters every workflow list shares:
// ?filter=field[eq]:value,... (only eq; the fields each list allows),
// ?order_by=createdAt[AscNullsFirst], ?limit and ?starting_after.
func workflowQuery(r *http.Request, fields ...string) (map[string]string, workflow.ListParams, error) {
	q := r.URL.Query()
	pq, err := pageQuery(r)
	if err != nil {
		return nil, workflow.ListParams{}, err
	}
	lp := workflow.ListParams{First: pq.limit, After: pq.after, WithTotal: true}
	if o := q.Get("order_by"); o != "" {
		field, dir, _ := strings.Cut(strings.TrimSuffix(o, "]"), "[")
		if field != "createdAt" {
			return nil, lp, crm.Invalid("order_by", crm.CodeInvalidValue, "workflow lists order by createdAt only")
		}
		lp.Ascending = !crm.Direction(dir).Desc()
	}
	filter := map[string]string{}
	if f := q.Get("filter"); f != "" {
		for _, part := range strings.Split(f, ",") {
			field, value, ok := strings.Cut(part, "[eq]:")
			if !ok {
				return nil, lp, crm.Invalid("filter", crm.CodeUnknownOperator, "%q: workflow lists filter with field[eq]:value", part)
			}
			if !slices.Contains(fields, field) {
				return nil, lp, crm.Invalid("filter", crm.CodeUnknownField, "cannot filter by %q here (only %s)", field, strings.Join(fields, ", "))
			}
			filter[field] = value
		}
	}
	return filter, lp, nil
}

// writeList writes {"data": {key: items}, "pageInfo": {...}, "totalCount": N}.
func writeList[T any](w http.ResponseWriter, key string, pg *workflow.Page[T], after string) error {
	info := pageInfo{HasNextPage: pg.HasNextPage, HasPreviousPage: after != ""}
	if n := len(pg.Cursors); n > 0 {
		info.StartCursor, info.EndCursor = &pg.Cursors[0], &pg.Cursors[n-1]
	}
	items := pg.Items
	if items == nil {
		items = []T{}
	}
	httpserver.WriteJSON(w, http.StatusOK, map[string]any{"data": map[string]any{key: items}, "pageInfo": info, "totalCount": pg.TotalCount})
	return nil
}

// workflowList serves GET /rest/workflows.
func (h *handler) workflowList(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.workflowsFor(r, false)
	if err != nil {
		return err
	}
	f, lp, err := workflowQuery(r, "id", "name")
	if err != nil {
		return err
	}
	pg, err := svc.Workflows(r.Context(), p.WorkspaceID, workflow.WorkflowFilter{ID: f["id"], Name: f["name"]}, lp)
	if err != nil {
		return err
	}
	return writeList(w, "workflows", pg, lp.After)
}

// workflowCreate serves POST /rest/workflows {name, description}: the
// workflow with its first DRAFT version.
func (h *handler) workflowCreate(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.workflowsFor(r, true)
	if err != nil {
		return err
	}
	var in workflow.CreateWorkflowInput
	if err := httpserver.DecodeJSON(r, &in); err != nil {
		return err
	}
	wf, err := svc.CreateWorkflow(r.Context(), p.WorkspaceID, in)
	if err != nil {
		return err
	}
	return data(w, http.StatusCreated, "createWorkflow", wf)
}

// workflowGet serves GET /rest/workflows/{id}.
func (h *handler) workflowGet(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.workflowsFor(r, false)
	if err != nil {
		return err
	}
	wf, err := svc.Workflow(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return data(w, http.StatusOK, "workflow", wf)
}

// workflowDelete serves DELETE /rest/workflows/{id}.
func (h *handler) workflowDelete(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.workflowsFor(r, true)
	if err != nil {
		return err
	}
	wf, err := svc.DeleteWorkflow(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return data(w, http.StatusOK, "deleteWorkflow", wf)
}
