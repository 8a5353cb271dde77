package web

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
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
	// capped says the people-through-memberships filter hit its cap, so the
	// page may miss some matches (shown as a notice).
	capped bool
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
	if err := u.compileWhop(ctx, workspaceID, spec, schema, st, c); err != nil {
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
// membership filters (status, product, renewal, cancel at period end)
// select the people who are the point of contact of a matching
// opportunity: the store returns those people's IDs (capped at 10,000) and
// they become an "id in [...]" condition, so the people query keeps keyset
// pagination and a single COUNT. Past the cap the page says it may be
// incomplete.
func (u *UI) compileWhop(ctx context.Context, workspaceID string, spec *tableSpec, schema *crm.Schema, st *tableState, c *compiled) error {
	if spec.whop == whopNone {
		return nil
	}
	mem := &crm.Filter{}
	opp := crm.NewSchema(crm.OpportunityObject, nil)
	cond := func(path string, op crm.Op, v any) {
		x, err := opp.Condition(path, string(op), v, false)
		if err != nil {
			panic("web: whop filter " + path + ": " + err.Error()) // the paths and types are fixed here
		}
		mem.Conds = append(mem.Conds, x)
	}
	if len(st.Statuses) > 0 {
		list := make([]any, len(st.Statuses))
		for i, s := range st.Statuses {
			list[i] = s
		}
		cond("whopMembershipStatus", crm.OpIn, list)
	}
	if st.Product != "" {
		cond("whopProductId", crm.OpEq, st.Product)
	}
	if st.RenewFrom != "" {
		t, err := time.Parse("2006-01-02", st.RenewFrom)
		if err != nil {
			c.invalid, c.whopError = true, "Enter the renewal dates as YYYY-MM-DD."
			return nil
		}
		cond("whopRenewalDate", crm.OpGte, t)
	}
	if st.RenewTo != "" {
		t, err := time.Parse("2006-01-02", st.RenewTo)
		if err != nil {
			c.invalid, c.whopError = true, "Enter the renewal dates as YYYY-MM-DD."
			return nil
		}
		cond("whopRenewalDate", crm.OpLt, t.AddDate(0, 0, 1)) // the whole "to" day
	}
	if st.Cancel {
		cond("whopCancelAtPeriodEnd", crm.OpEq, true)
	}
	if spec.whop == whopOpportunity {
		if st.Synced {
			cond("whopMembershipId", crm.OpIs, crm.IsNotNull)
		}
		c.filter.Conds = append(c.filter.Conds, mem.Conds...)
		return nil
	}
	if st.Synced {
		x, err := schema.Condition("whopUserId", string(crm.OpIs), crm.IsNotNull, false)
		if err != nil {
			return err
		}
		c.filter.Conds = append(c.filter.Conds, x)
	}
	if mem.Empty() {
		return nil
	}
	ids, capped, err := u.cfg.Store.OpportunityContactIDs(ctx, &store.OpportunityContactsParams{WorkspaceID: workspaceID, Filter: mem})
	if err != nil {
		return err
	}
	list := make([]any, len(ids))
	for i, id := range ids {
		list[i] = id
	}
	idField, _ := schema.Object.Field("id")
	c.filter.Conds = append(c.filter.Conds, crm.Cond{Target: crm.Target{Field: idField}, Op: crm.OpIn, Value: list})
	c.capped = capped
	return nil
}
