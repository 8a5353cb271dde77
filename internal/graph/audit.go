package graph

import (
	"context"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/graph/model"
)

// auditFor returns the caller and the audit service.
func (r *Resolver) auditFor(ctx context.Context) (*auth.Principal, *audit.Service, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, nil, err
	}
	if r.audit == nil {
		return nil, nil, crm.Invalid("", crm.CodeInvalidValue, "the audit log is not enabled on this server")
	}
	return p, r.audit, nil
}

// auditFilter turns the schema's filter into the service's. action takes
// eq or in, not both; errors name the argument as the client wrote it.
func auditFilter(in *model.AuditLogFilterInput) (audit.Filter, error) {
	var f audit.Filter
	if in == nil {
		return f, nil
	}
	if a := in.Action; a != nil {
		switch {
		case a.Eq != nil && a.In != nil:
			return f, crm.Invalid("filter.action", crm.CodeInvalidValue, "give eq or in, not both")
		case a.Eq != nil:
			f.Actions = []audit.Action{audit.Action(*a.Eq)}
		case a.In != nil:
			if len(a.In) == 0 {
				return f, crm.Invalid("filter.action.in", crm.CodeInvalidValue, "lists no action")
			}
			for _, x := range a.In {
				f.Actions = append(f.Actions, audit.Action(x))
			}
		}
	}
	if in.ActorID != nil {
		if in.ActorID.Eq == "" {
			return f, crm.Invalid("filter.actorId.eq", crm.CodeRequired, "is empty")
		}
		f.ActorID = in.ActorID.Eq
	}
	if t := in.CreatedAt; t != nil {
		f.Since, f.Until = t.Gte, t.Lte
	}
	return f, nil
}

// auditArgError names a filter the service refused by its place in the
// query's arguments (the service says "action", the client wrote
// filter.action).
func auditArgError(err error) error {
	e, ok := crm.AsError(err)
	if !ok || (e.Field != "action" && e.Field != "createdAt") {
		return err
	}
	c := *e
	c.Field = "filter." + e.Field
	return &c
}

// auditConnection maps a page of the log to the schema's connection.
func auditConnection(pg *audit.Page) *model.AuditLogConnection {
	c := &model.AuditLogConnection{Edges: make([]*model.AuditLogEdge, len(pg.Events)), PageInfo: &model.PageInfo{HasNextPage: pg.HasNextPage}, TotalCount: pg.TotalCount}
	for i, e := range pg.Events {
		c.Edges[i] = &model.AuditLogEdge{Node: auditLog(e), Cursor: pg.Cursors[i]}
	}
	if n := len(pg.Cursors); n > 0 {
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &pg.Cursors[0], &pg.Cursors[n-1]
	}
	return c
}

// auditLog maps one entry to the schema's type, so the service's types are
// not the API.
func auditLog(e *audit.Event) *model.AuditLog {
	out := &model.AuditLog{
		ID: e.ID, CreatedAt: e.At, Action: string(e.Action), Label: e.Action.Label(),
		Actor: &model.AuditActor{Kind: auditActorKinds[e.Actor.Kind], ID: nullString(e.Actor.ID), Name: e.Actor.Name},
		IP:    nullString(e.IP), UserAgent: nullString(e.UserAgent),
	}
	if out.Actor.Kind == "" {
		out.Actor.Kind = model.AuditActorKindSystem
	}
	if e.Target.Type != "" {
		out.Target = &model.AuditTarget{Type: e.Target.Type, ID: nullString(e.Target.ID), Label: e.Target.Label}
	}
	if len(e.Details) > 0 {
		out.Details = e.Details
	}
	return out
}

var auditActorKinds = map[audit.ActorKind]model.AuditActorKind{
	audit.ActorMember: model.AuditActorKindMember,
	audit.ActorAPIKey: model.AuditActorKindAPIKey,
	audit.ActorSystem: model.AuditActorKindSystem,
}

// auditEntries maps entries to the older auditLog query's type, whose
// actor is a record's createdBy shape.
func auditEntries(events []*audit.Event) []*model.AuditEntry {
	out := make([]*model.AuditEntry, len(events))
	for i, e := range events {
		actor := crm.Actor{Source: crm.SourceSystem, Name: e.Actor.Name}
		switch e.Actor.Kind {
		case audit.ActorMember:
			id := e.Actor.ID
			actor.Source, actor.WorkspaceMemberID = crm.SourceManual, &id
		case audit.ActorAPIKey:
			actor.Source = crm.SourceAPI
		}
		var details any
		if e.Details != nil {
			details = e.Details
		}
		out[i] = &model.AuditEntry{ID: e.ID, At: e.At, Action: string(e.Action), Actor: &actor, Details: details}
	}
	return out
}

// valueOf is *p, or the zero value for nil (an argument left out).
func valueOf[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
