package graph

import (
	"context"
	"encoding/json"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/graph/model"
	"github.com/roster-crm/roster/internal/workflow"
)

// workflowsFor returns the caller and the workflow service, checking with
// workflow.Authorize that the caller may make the change (change true).
func (r *Resolver) workflowsFor(ctx context.Context, admin bool) (*auth.Principal, *workflow.Service, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, nil, err
	}
	if r.workflows == nil {
		return nil, nil, crm.Invalid("", crm.CodeInvalidValue, "workflows are not enabled on this server")
	}
	if err := workflow.Authorize(p, admin); err != nil {
		return nil, nil, err
	}
	return p, r.workflows, nil
}

// workflowList turns the GraphQL paging and ordering arguments into the
// service's; the lists order by creation time, newest first by default.
func workflowList(orderBy []*model.WorkflowOrderByInput, first *int, after *string) workflow.ListParams {
	p := workflow.ListParams{First: intOr(first, 0), After: stringOr(after), WithTotal: true}
	if len(orderBy) > 0 && orderBy[0] != nil && orderBy[0].CreatedAt != nil {
		d := crm.Direction(*orderBy[0].CreatedAt)
		p.Ascending = !d.Desc()
	}
	return p
}

// eqOf reads {eq: x} filters.
func eqOf(f *model.WorkflowIDFilter) string {
	if f == nil {
		return ""
	}
	return stringOr(f.Eq)
}

// rawJSON encodes a JSON argument for the service; an absent argument is
// nil (left as it is), a null one "null".
func rawJSON(v any, present bool) (json.RawMessage, error) {
	if !present {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, crm.Invalid("", crm.CodeInvalidType, "not JSON: %v", err)
	}
	return b, nil
}

// jsonValue decodes stored JSON for a JSON field.
func jsonValue(b json.RawMessage) (any, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return v, nil
}

func workflowConnection(pg *workflow.Page[*workflow.Workflow]) *model.WorkflowConnection {
	c := &model.WorkflowConnection{Edges: make([]*model.WorkflowEdge, len(pg.Items)), TotalCount: pg.TotalCount}
	for i, n := range pg.Items {
		c.Edges[i] = &model.WorkflowEdge{Node: n, Cursor: pg.Cursors[i]}
	}
	c.PageInfo = workflowPageInfo(pg.HasNextPage, pg.Cursors)
	return c
}

func workflowVersionConnection(pg *workflow.Page[*workflow.Version]) *model.WorkflowVersionConnection {
	c := &model.WorkflowVersionConnection{Edges: make([]*model.WorkflowVersionEdge, len(pg.Items)), TotalCount: pg.TotalCount}
	for i, n := range pg.Items {
		c.Edges[i] = &model.WorkflowVersionEdge{Node: n, Cursor: pg.Cursors[i]}
	}
	c.PageInfo = workflowPageInfo(pg.HasNextPage, pg.Cursors)
	return c
}

func workflowRunConnection(pg *workflow.Page[*workflow.Run]) *model.WorkflowRunConnection {
	c := &model.WorkflowRunConnection{Edges: make([]*model.WorkflowRunEdge, len(pg.Items)), TotalCount: pg.TotalCount}
	for i, n := range pg.Items {
		c.Edges[i] = &model.WorkflowRunEdge{Node: n, Cursor: pg.Cursors[i]}
	}
	c.PageInfo = workflowPageInfo(pg.HasNextPage, pg.Cursors)
	return c
}

func workflowPageInfo(hasNext bool, cursors []string) *model.PageInfo {
	info := &model.PageInfo{HasNextPage: hasNext}
	setCursors(info, len(cursors), func(i int) string { return cursors[i] })
	return info
}
