package web

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// option is a <select> choice.
type option struct {
	Value, Label string
}

// filterOps are the operators of the filter form. Most are the API's own
// (eq, gt ...); "contains", "empty" and "notempty" are friendlier spellings
// of ilike %v%, is NULL and is NOT_NULL.
var filterOps = []option{
	{"eq", "is"}, {"neq", "is not"}, {"contains", "contains"}, {"startsWith", "starts with"},
	{"in", "is one of (comma-separated)"}, {"gt", "greater than / after"}, {"gte", "at least / on or after"},
	{"lt", "less than / before"}, {"lte", "at most / on or before"}, {"empty", "is empty"}, {"notempty", "is not empty"},
}

// filterFields lists the fields the filter form offers: the object's
// visible scalar fields and its custom fields.
func filterFields(schema *crm.Schema) []option {
	var out []option
	for _, f := range schema.Object.Fields {
		if f.Hidden || f.Kind == crm.KindJSON || f.Kind == crm.KindStringList || f.Name == "id" || f.Name == "position" ||
			f.Name == "deletedAt" || strings.HasPrefix(f.Name, "createdBy.") {
			continue
		}
		out = append(out, option{f.Name, fieldLabel(f.Name)})
	}
	names := make([]string, 0, len(schema.Custom))
	for n := range schema.Custom {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		d := schema.Custom[n]
		if d.Type == crm.TypeMultiSelect {
			continue
		}
		label := d.Label
		if label == "" {
			label = n
		}
		if subs := d.CompositeSubs(); subs != nil {
			for _, s := range subs {
				out = append(out, option{n + "." + s, label + " (" + humanize(s) + ")"})
			}
			continue
		}
		out = append(out, option{n, label})
	}
	return out
}

// compiled is a table state turned into what records.List takes.
type compiled struct {
	filter *crm.Filter
	orders []crm.Order
	// invalid is set when a row or a Whop filter did not compile; the
	// messages are on the rows (or in whopError).
	invalid   bool
	whopError string
}

// compile builds the filter and ordering for a state. Row errors are
// written onto st.Filters so the form can show them next to the row.
func (u *UI) compile(ctx context.Context, workspaceID string, spec *tableSpec, schema *crm.Schema, st *tableState) (*compiled, error) {
	c := &compiled{filter: &crm.Filter{}}
	add := func(cond crm.Cond) { c.filter.Conds = append(c.filter.Conds, cond) }
	if st.Q != "" {
		var ids []string
		if spec.obj == crm.PersonObject {
			var err error
			if ids, err = u.membershipPeople(ctx, workspaceID, st.Q); err != nil {
				return nil, err
			}
		}
		or, err := u.cfg.Records.SearchFilter(records.SearchParams{Schema: schema, Query: st.Q, IDs: ids})
		if err != nil {
			return nil, err
		}
		c.filter.And = append(c.filter.And, or)
	}
	for i := range st.Filters {
		row := &st.Filters[i]
		if row.Field == "" {
			continue
		}
		cond, err := rowCondition(schema, row)
		if err != nil {
			e, ok := crm.AsError(err)
			if !ok {
				return nil, err
			}
			row.Error, c.invalid = e.Message, true
			continue
		}
		add(cond)
	}
	if err := compileWhop(spec, schema, st, c); err != nil {
		return nil, err
	}
	key, desc := st.Sort, st.Desc
	if key == "" {
		key, desc = spec.defaultSort, true
	}
	col, _ := spec.column(key)
	dir := crm.AscNullsLast
	if desc {
		dir = crm.DescNullsLast
	}
	o, err := schema.OrderBy(col.sort, string(dir))
	if err != nil {
		return nil, err
	}
	c.orders = []crm.Order{o}
	return c, nil
}

// rowCondition compiles one form row.
func rowCondition(schema *crm.Schema, row *filterRow) (crm.Cond, error) {
	op, value := row.Op, any(row.Value)
	switch op {
	case "contains":
		op, value = string(crm.OpILike), "%"+row.Value+"%"
		return schema.Condition(row.Field, op, value, false)
	case "empty":
		return schema.Condition(row.Field, string(crm.OpIs), crm.IsNull, false)
	case "notempty":
		return schema.Condition(row.Field, string(crm.OpIs), crm.IsNotNull, false)
	case "":
		op = string(crm.OpEq)
	}
	if op == string(crm.OpIs) {
		return schema.Condition(row.Field, op, strings.ToUpper(row.Value), false)
	}
	return schema.Condition(row.Field, op, value, true)
}

// compileWhop adds the Whop filters. Opportunities carry the membership
// fields themselves. For people, "synced" is their own whopUserId, and the
// membership filters (status, product, renewal, cancel at period end) go
// through crm.WhopMembership: the people with at least one live membership
// matching all of them, the same filter REST and GraphQL take as
// whopMembership. The store runs it as one semi-join, so the people query
// keeps its keyset pagination and a single COUNT, with no cap.
func compileWhop(spec *tableSpec, schema *crm.Schema, st *tableState, c *compiled) error {
	if spec.whop == whopNone {
		return nil
	}
	rel := crm.WhopMembership
	cond := func(sub string, op crm.Op, v any) {
		path := rel.Name + "." + sub
		if spec.whop == whopOpportunity {
			path = rel.FieldName(sub)
		}
		x, err := schema.Condition(path, string(op), v, false)
		if err != nil {
			panic("web: whop filter " + path + ": " + err.Error()) // the paths and types are fixed here
		}
		c.filter.Conds = append(c.filter.Conds, x)
	}
	if len(st.Statuses) > 0 {
		list := make([]any, len(st.Statuses))
		for i, s := range st.Statuses {
			list[i] = s
		}
		cond("status", crm.OpIn, list)
	}
	if st.Product != "" {
		cond("productId", crm.OpEq, st.Product)
	}
	if st.RenewFrom != "" {
		t, err := time.Parse("2006-01-02", st.RenewFrom)
		if err != nil {
			c.invalid, c.whopError = true, "Enter the renewal dates as YYYY-MM-DD."
			return nil
		}
		cond("renewalDate", crm.OpGte, t)
	}
	if st.RenewTo != "" {
		t, err := time.Parse("2006-01-02", st.RenewTo)
		if err != nil {
			c.invalid, c.whopError = true, "Enter the renewal dates as YYYY-MM-DD."
			return nil
		}
		cond("renewalDate", crm.OpLt, t.AddDate(0, 0, 1)) // the whole "to" day
	}
	if st.Cancel {
		cond("cancelAtPeriodEnd", crm.OpEq, true)
	}
	if !st.Synced {
		return nil
	}
	synced := "whopUserId"
	if spec.whop == whopOpportunity {
		synced = rel.FieldName("id")
	}
	x, err := schema.Condition(synced, string(crm.OpIs), crm.IsNotNull, false)
	if err != nil {
		return err
	}
	c.filter.Conds = append(c.filter.Conds, x)
	return nil
}
