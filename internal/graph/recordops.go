package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/graph/model"
	"github.com/roster-crm/roster/internal/records"
)

// The generic operations behind every object's resolvers. T is the record's
// pointer type (*crm.Person); a record of another type coming back from
// the service is a programming error and surfaces as an internal error.

func cast[T crm.Record](rec crm.Record) (T, error) {
	t, ok := rec.(T)
	if !ok {
		var zero T
		return zero, fmt.Errorf("graph: record is %T, want %T", rec, zero)
	}
	return t, nil
}

func castAll[T crm.Record](recs []crm.Record) ([]T, error) {
	out := make([]T, len(recs))
	for i, rec := range recs {
		t, err := cast[T](rec)
		if err != nil {
			return nil, err
		}
		out[i] = t
	}
	return out, nil
}

// getOne answers person(id:) (soft-deleted records included, as Twenty
// does) or person(filter:) (the first live match in default order).
func getOne[T crm.Record](ctx context.Context, r *Resolver, o *crm.Object, id *string, filter map[string]any) (T, error) {
	var zero T
	p, err := principal(ctx)
	if err != nil {
		return zero, err
	}
	switch {
	case id != nil:
		rec, err := r.records.Get(ctx, p.WorkspaceID, o, *id)
		if err != nil {
			return zero, err
		}
		return cast[T](rec)
	case filter != nil:
		one := 1
		pg, err := listRecords[T](ctx, r, o, listArgs{filter: filter, first: &one})
		if err != nil {
			return zero, err
		}
		if len(pg.nodes) == 0 {
			return zero, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: fmt.Sprintf("no %s matches the filter", o.Name)}
		}
		return pg.nodes[0], nil
	}
	return zero, crm.Invalid("id", crm.CodeRequired, "give id or filter")
}

func createMany[T crm.Record](ctx context.Context, r *Resolver, o *crm.Object, data []map[string]any, upsert *bool) ([]T, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	defer loaderFrom(ctx).reset()
	inputs := make([]crm.Input, len(data))
	for i, d := range data {
		inputs[i] = model.NormalizeMap(d)
	}
	recs, err := r.records.Create(ctx, records.CreateParams{
		WorkspaceID: p.WorkspaceID, Object: o, Actor: p.Actor(), Inputs: inputs, Upsert: upsert != nil && *upsert,
	})
	if err != nil {
		return nil, err
	}
	return castAll[T](recs)
}

func createOne[T crm.Record](ctx context.Context, r *Resolver, o *crm.Object, data map[string]any, upsert *bool) (T, error) {
	out, err := createMany[T](ctx, r, o, []map[string]any{data}, upsert)
	if err != nil {
		var zero T
		return zero, err
	}
	return out[0], nil
}

func updateOne[T crm.Record](ctx context.Context, r *Resolver, o *crm.Object, id string, data map[string]any) (T, error) {
	var zero T
	p, err := principal(ctx)
	if err != nil {
		return zero, err
	}
	defer loaderFrom(ctx).reset()
	rec, err := r.records.Update(ctx, records.UpdateParams{
		WorkspaceID: p.WorkspaceID, Object: o, Actor: p.Actor(), ID: id, Input: model.NormalizeMap(data),
	})
	if err != nil {
		return zero, err
	}
	return cast[T](rec)
}

// lifecycle runs Delete, Restore or Destroy.
func lifecycle[T crm.Record](ctx context.Context, r *Resolver, o *crm.Object, id string,
	op func(*records.Service, context.Context, records.Ref) (crm.Record, error)) (T, error) {
	var zero T
	p, err := principal(ctx)
	if err != nil {
		return zero, err
	}
	defer loaderFrom(ctx).reset()
	rec, err := op(r.records, ctx, records.Ref{WorkspaceID: p.WorkspaceID, Object: o, Actor: p.Actor(), ID: id})
	if err != nil {
		return zero, err
	}
	return cast[T](rec)
}

var (
	deleteOp  = (*records.Service).Delete
	restoreOp = (*records.Service).Restore
	destroyOp = (*records.Service).Destroy
)

// listArgs are a connection field's arguments.
type listArgs struct {
	filter  map[string]any
	orderBy []map[string]any
	first   *int
	after   *string
	last    *int
	before  *string
}

// page is one page of T with what every XConnection needs.
type page[T crm.Record] struct {
	nodes   []T
	cursors []string
	info    *model.PageInfo
	total   int
}

// listRecords answers a connection field. The total is counted only when
// totalCount is selected, and the references of the page's records are
// loaded in one query per selected relation.
func listRecords[T crm.Record](ctx context.Context, r *Resolver, o *crm.Object, a listArgs) (*page[T], error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	schema, err := r.records.Schema(ctx, p.WorkspaceID, o)
	if err != nil {
		return nil, err
	}
	lp := crm.ListParams{WithTotal: selected(ctx, "totalCount")}
	if a.filter != nil {
		if lp.Filter, err = schema.ParseFilter(model.NormalizeMap(a.filter)); err != nil {
			return nil, err
		}
	}
	if len(a.orderBy) > 0 {
		list := make([]map[string]any, len(a.orderBy))
		for i, m := range a.orderBy {
			list[i] = model.NormalizeMap(m)
		}
		if lp.OrderBy, err = schema.ParseOrderBy(list); err != nil {
			return nil, err
		}
	}
	if a.first != nil {
		lp.First = *a.first // checked, with the name the caller used, by crm.PageSize in the store
	}
	if a.last != nil {
		lp.Last = *a.last
	}
	if a.after != nil {
		lp.After = *a.after
	}
	if a.before != nil {
		lp.Before = *a.before
	}
	pg, err := r.records.List(ctx, p.WorkspaceID, schema, lp)
	if err != nil {
		return nil, err
	}
	nodes, err := castAll[T](pg.Records)
	if err != nil {
		return nil, err
	}
	if err := r.primeRelations(ctx, o, pg.Records); err != nil {
		return nil, err
	}
	info := &model.PageInfo{HasNextPage: pg.HasNextPage, HasPreviousPage: pg.HasPreviousPage}
	if n := len(pg.Cursors); n > 0 {
		info.StartCursor, info.EndCursor = &pg.Cursors[0], &pg.Cursors[n-1]
	}
	return &page[T]{nodes: nodes, cursors: pg.Cursors, info: info, total: pg.TotalCount}, nil
}

// primeRelations loads, in one query each, the records referenced by the
// page's reference fields whose relation (companyId -> company) is
// selected under edges.node.
func (r *Resolver) primeRelations(ctx context.Context, o *crm.Object, recs []crm.Record) error {
	if len(recs) == 0 {
		return nil
	}
	for _, f := range o.Fields {
		if f.Kind != crm.KindUUID || !selected(ctx, "edges", "node", strings.TrimSuffix(f.Name, "Id")) {
			continue
		}
		var ids []string
		for _, rec := range recs {
			if id, ok := f.Value(rec).(string); ok {
				ids = append(ids, id)
			}
		}
		target, _ := crm.ObjectByName(string(f.Ref))
		if err := r.prime(ctx, target, ids); err != nil {
			return err
		}
	}
	return nil
}

// selected reports whether the field at path (relative to the field being
// resolved) is part of the query.
func selected(ctx context.Context, path ...string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return false
	}
	oc := graphql.GetOperationContext(ctx)
	sels, typ := fc.Field.Selections, typeName(fc.Field.Field)
	for i, name := range path {
		var next *graphql.CollectedField
		for _, f := range graphql.CollectFields(oc, sels, []string{typ}) {
			if f.Name == name {
				next = &f
				break
			}
		}
		if next == nil {
			return false
		}
		if i == len(path)-1 {
			return true
		}
		sels, typ = next.Selections, typeName(next.Field)
	}
	return false
}

// typeName is the named type of a field ("PersonConnection" for
// PersonConnection!), so fragments on it (... on PersonConnection) count.
func typeName(f *ast.Field) string {
	if f == nil || f.Definition == nil || f.Definition.Type == nil {
		return ""
	}
	return f.Definition.Type.Name()
}
