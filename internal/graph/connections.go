package graph

import (
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/graph/model"
)

// The XConnection builders: one per object because gqlgen generates one
// connection type per object.

func personConnection(pg *page[*crm.Person]) *model.PersonConnection {
	c := &model.PersonConnection{Edges: make([]*model.PersonEdge, len(pg.nodes)), PageInfo: pg.info, TotalCount: pg.total}
	for i, n := range pg.nodes {
		c.Edges[i] = &model.PersonEdge{Node: n, Cursor: pg.cursors[i]}
	}
	return c
}

func companyConnection(pg *page[*crm.Company]) *model.CompanyConnection {
	c := &model.CompanyConnection{Edges: make([]*model.CompanyEdge, len(pg.nodes)), PageInfo: pg.info, TotalCount: pg.total}
	for i, n := range pg.nodes {
		c.Edges[i] = &model.CompanyEdge{Node: n, Cursor: pg.cursors[i]}
	}
	return c
}

func opportunityConnection(pg *page[*crm.Opportunity]) *model.OpportunityConnection {
	c := &model.OpportunityConnection{Edges: make([]*model.OpportunityEdge, len(pg.nodes)), PageInfo: pg.info, TotalCount: pg.total}
	for i, n := range pg.nodes {
		c.Edges[i] = &model.OpportunityEdge{Node: n, Cursor: pg.cursors[i]}
	}
	return c
}

func noteConnection(pg *page[*crm.Note]) *model.NoteConnection {
	c := &model.NoteConnection{Edges: make([]*model.NoteEdge, len(pg.nodes)), PageInfo: pg.info, TotalCount: pg.total}
	for i, n := range pg.nodes {
		c.Edges[i] = &model.NoteEdge{Node: n, Cursor: pg.cursors[i]}
	}
	return c
}

func taskConnection(pg *page[*crm.Task]) *model.TaskConnection {
	c := &model.TaskConnection{Edges: make([]*model.TaskEdge, len(pg.nodes)), PageInfo: pg.info, TotalCount: pg.total}
	for i, n := range pg.nodes {
		c.Edges[i] = &model.TaskEdge{Node: n, Cursor: pg.cursors[i]}
	}
	return c
}
