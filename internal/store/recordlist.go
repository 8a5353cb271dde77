package store

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// query accumulates SQL text and its bound arguments. Client values only ever
// travel as arguments; identifiers come from object metadata or from custom
// field names that crm.ValidateDefinition restricts to letters and digits.
type query struct {
	d    Dialect
	obj  *crm.Object
	args []any
	// ws is the placeholder already bound to the workspace ID, which
	// relation subqueries reuse to stay inside the workspace.
	ws string
}

func (q *query) bind(v any) string {
	if t, ok := v.(time.Time); ok {
		v = q.d.Time(t)
	}
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

// expr is the SQL expression of a target. Custom values are read out of the
// JSON column and cast so that comparisons and ordering are typed.
func (q *query) expr(t crm.Target) string {
	if t.Field != nil {
		return t.Field.Column
	}
	name := t.Custom.Name
	if q.d == SQLite {
		path := "$." + name
		if t.Sub != "" {
			path += "." + t.Sub
		}
		return "json_extract(custom_fields, '" + path + "')"
	}
	text := "(custom_fields->>'" + name + "')"
	if t.Sub != "" {
		text = "(custom_fields->'" + name + "'->>'" + t.Sub + "')"
	}
	switch {
	case t.Custom.Type == crm.TypeNumber || (t.Custom.Type == crm.TypeCurrency && t.Sub == "amountMicros"):
		return "(" + text + ")::double precision"
	case t.Custom.Type == crm.TypeBoolean:
		return "(" + text + ")::boolean"
	}
	return text
}

// jsonExpr is the JSON value of a list target, for containsAny.
func (q *query) jsonExpr(t crm.Target) string {
	if t.Field != nil {
		return t.Field.Column
	}
	if q.d == SQLite {
		return "json_extract(custom_fields, '$." + t.Custom.Name + "')"
	}
	return "(custom_fields->'" + t.Custom.Name + "')"
}

func textual(t crm.Target) bool {
	if t.Field != nil {
		switch t.Field.Kind {
		case crm.KindText, crm.KindEmail, crm.KindEnum:
			return true
		}
	}
	return false
}

// filter compiles a filter tree. Under a "not", a comparison with NULL would
// make the whole negation NULL and drop the row, so there conditions are
// forced to true/false; elsewhere they stay bare so indexes apply.
func (q *query) filter(f *crm.Filter, negated bool) string {
	if f.Empty() {
		return "1=1"
	}
	var parts []string
	var vias []*crm.Relation
	related := map[*crm.Relation][]crm.Cond{}
	for _, c := range f.Conds {
		if c.Via != nil {
			if related[c.Via] == nil {
				vias = append(vias, c.Via)
			}
			related[c.Via] = append(related[c.Via], c)
			continue
		}
		cond := q.cond(c)
		if negated {
			cond = "COALESCE(" + cond + ", " + q.falseLit() + ")"
		}
		parts = append(parts, cond)
	}
	for _, r := range vias {
		parts = append(parts, q.related(r, related[r]))
	}
	for _, g := range f.And {
		parts = append(parts, "("+q.filter(g, negated)+")")
	}
	if len(f.Or) > 0 {
		ors := make([]string, len(f.Or))
		for i, g := range f.Or {
			ors[i] = "(" + q.filter(g, negated) + ")"
		}
		parts = append(parts, "("+strings.Join(ors, " OR ")+")")
	}
	if f.Not != nil {
		parts = append(parts, "NOT ("+q.filter(f.Not, true)+")")
	}
	return strings.Join(parts, " AND ")
}

// related compiles the conditions of one level on one relation: the record
// is among those a live linked record (with the relation's Present field
// set) points at, that record matching all of the conditions. The subquery
// is uncorrelated, so each database runs it once as a semi-join, and it
// never yields NULL, so under a "not" it stays true or false.
func (q *query) related(r *crm.Relation, conds []crm.Cond) string {
	if q.ws == "" {
		panic("store: relation filter " + r.Name + " outside a workspace-scoped list")
	}
	sub := &query{d: q.d, obj: r.Object, args: q.args, ws: q.ws}
	link := r.LinkField().Column
	where := []string{"workspace_id = " + q.ws, "deleted_at IS NULL", link + " IS NOT NULL", r.PresentField().Column + " IS NOT NULL"}
	for _, c := range conds {
		c.Via = nil
		where = append(where, sub.cond(c))
	}
	q.args = sub.args
	return "id IN (SELECT " + link + " FROM " + r.Object.Table + " WHERE " + strings.Join(where, " AND ") + ")"
}

func (q *query) falseLit() string {
	if q.d == SQLite {
		return "0"
	}
	return "FALSE"
}

func (q *query) cond(c crm.Cond) string {
	e := q.expr(c.Target)
	switch c.Op {
	case crm.OpEq:
		return e + " = " + q.bind(c.Value)
	case crm.OpNeq:
		return "(" + e + " IS NULL OR " + e + " <> " + q.bind(c.Value) + ")"
	case crm.OpGt:
		return e + " > " + q.bind(c.Value)
	case crm.OpGte:
		return e + " >= " + q.bind(c.Value)
	case crm.OpLt:
		return e + " < " + q.bind(c.Value)
	case crm.OpLte:
		return e + " <= " + q.bind(c.Value)
	case crm.OpIn:
		list := c.Value.([]any)
		if len(list) == 0 {
			return "1=0"
		}
		ph := make([]string, len(list))
		for i, v := range list {
			ph[i] = q.bind(v)
		}
		return e + " IN (" + strings.Join(ph, ", ") + ")"
	case crm.OpIs:
		null := e + " IS NULL"
		if textual(c.Target) || (c.Custom != nil && c.Custom.Type == crm.TypeText) {
			null = "(" + e + " IS NULL OR " + e + " = '')"
		}
		if c.Value == crm.IsNull {
			return null
		}
		return "NOT " + null
	case crm.OpLike:
		if q.d == SQLite {
			return q.searchable(c, "GLOB", likeToGlob(c.Value.(string)))
		}
		return e + " LIKE " + q.bind(c.Value)
	case crm.OpILike:
		if q.d == SQLite {
			// SQLite's LIKE is case-insensitive (for ASCII) already.
			return q.searchable(c, "LIKE", c.Value.(string))
		}
		return e + " ILIKE " + q.bind(c.Value)
	case crm.OpStartsWith, crm.OpEndsWith:
		v := c.Value.(string)
		if q.d == SQLite {
			g := globEscape(v)
			if c.Op == crm.OpStartsWith {
				return e + " GLOB " + q.bind(g+"*")
			}
			return e + " GLOB " + q.bind("*"+g)
		}
		l := likeEscape(v)
		if c.Op == crm.OpStartsWith {
			return e + " LIKE " + q.bind(l+"%")
		}
		return e + " LIKE " + q.bind("%"+l)
	case crm.OpContainsAny:
		list := c.Value.([]any)
		if len(list) == 0 {
			return "1=0"
		}
		ph := make([]string, len(list))
		for i, v := range list {
			ph[i] = q.bind(v)
		}
		if q.d == SQLite {
			return "EXISTS (SELECT 1 FROM json_each(" + q.jsonExpr(c.Target) + ") WHERE value IN (" + strings.Join(ph, ", ") + "))"
		}
		return "jsonb_exists_any(" + q.jsonExpr(c.Target) + ", ARRAY[" + strings.Join(ph, ", ") + "]::text[])"
	}
	panic("store: unhandled operator " + string(c.Op))
}

// searchable compiles a SQLite LIKE/GLOB pattern match. When the column has
// a trigram full-text index and the pattern has a literal run of at least
// three characters, the index narrows the rows first ("seq IN ..."); the
// plain comparison stays, so the result is exact either way.
func (q *query) searchable(c crm.Cond, op, pattern string) string {
	e := q.expr(c.Target)
	ph := q.bind(pattern)
	plain := e + " " + op + " " + ph
	if c.Field == nil || q.obj == nil || !contains(q.obj.Searchable, c.Field.Name) || longestLiteral(pattern) < 3 {
		return plain
	}
	return "(seq IN (SELECT rowid FROM " + q.obj.Table + "_search WHERE " + e + " " + op + " " + ph + ") AND " + plain + ")"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// longestLiteral is the longest run of non-wildcard characters in a LIKE or
// GLOB pattern: the trigram index needs three.
func longestLiteral(p string) int {
	best, run := 0, 0
	for _, r := range p {
		switch r {
		case '%', '_', '*', '?', '[', ']':
			run = 0
		default:
			run++
			best = max(best, run)
		}
	}
	return best
}

// likeToGlob turns a LIKE pattern into an equivalent case-sensitive GLOB
// pattern for SQLite, whose LIKE ignores case.
func likeToGlob(p string) string {
	var sb strings.Builder
	for _, r := range p {
		switch r {
		case '%':
			sb.WriteByte('*')
		case '_':
			sb.WriteByte('?')
		default:
			sb.WriteString(globEscape(string(r)))
		}
	}
	return sb.String()
}

func globEscape(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[':
			sb.WriteString("[" + string(r) + "]")
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// notNull reports whether a target's column never holds NULL.
func notNull(t crm.Target) bool { return t.Field != nil && t.Field.NotNull }

// tieBreaker orders by id in the direction of the last key, so an index on
// (workspace_id, key, id) serves the whole ordering in one direction.
func tieBreaker(orders []crm.Order) crm.Order {
	o := idOrder
	if len(orders) > 0 && orders[len(orders)-1].Dir.Desc() {
		o.Dir = crm.DescNullsLast
	}
	return o
}

// idOrder is the final tie-breaker of every ordering, so keyset pagination is
// total even when sort values repeat.
var idOrder = crm.Order{Target: crm.Target{Field: mustField(crm.PersonObject, "id")}, Dir: crm.AscNullsFirst}

func mustField(o *crm.Object, name string) *crm.Field {
	f, _ := o.Field(name)
	return f
}

func flip(d crm.Direction) crm.Direction {
	switch d {
	case crm.AscNullsFirst:
		return crm.DescNullsLast
	case crm.AscNullsLast:
		return crm.DescNullsFirst
	case crm.DescNullsFirst:
		return crm.AscNullsLast
	}
	return crm.AscNullsFirst
}

func (q *query) orderBy(orders []crm.Order) string {
	parts := make([]string, len(orders))
	for i, o := range orders {
		dir := " ASC"
		if o.Dir.Desc() {
			dir = " DESC"
		}
		nulls := " NULLS LAST"
		if o.Dir.NullsFirst() {
			nulls = " NULLS FIRST"
		}
		if notNull(o.Target) {
			nulls = "" // a plain ASC/DESC can walk an index
		}
		parts[i] = q.expr(o.Target) + dir + nulls
	}
	return strings.Join(parts, ", ")
}

// after builds the keyset condition "row sorts strictly after the cursor"
// for the orderings, handling NULL placement explicitly since SQL
// comparisons with NULL are never true.
func (q *query) after(orders []crm.Order, vals []any) string {
	if len(orders) == 0 {
		return "1=0"
	}
	o, v := orders[0], vals[0]
	e := q.expr(o.Target)
	var strictly, tie string
	if v == nil {
		tie = e + " IS NULL"
		if o.Dir.NullsFirst() {
			strictly = e + " IS NOT NULL"
		} else {
			strictly = "1=0"
		}
	} else {
		cmp := " > "
		if o.Dir.Desc() {
			cmp = " < "
		}
		ph := q.bind(v)
		tie = e + " = " + ph
		strictly = e + cmp + ph
		if !o.Dir.NullsFirst() && !notNull(o.Target) {
			strictly = "(" + strictly + " OR " + e + " IS NULL)"
		}
	}
	if len(orders) == 1 {
		return strictly
	}
	return "(" + strictly + " OR (" + tie + " AND " + q.after(orders[1:], vals[1:]) + "))"
}

// sortValue is the value a record has for an ordering key, as bound in SQL.
func sortValue(t crm.Target, r crm.Record) any {
	if t.Field != nil {
		return t.Field.Value(r)
	}
	v := r.Meta().CustomFields[t.Custom.Name]
	if t.Sub != "" {
		m, _ := v.(map[string]any)
		v = m[t.Sub]
	}
	return v
}

// orderingSig names an ordering, so a cursor made under one ordering is
// refused under another instead of silently skipping rows.
func orderingSig(orders []crm.Order) string {
	parts := make([]string, len(orders))
	for i, o := range orders {
		parts[i] = o.Path() + ":" + string(o.Dir)
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, ",")))
	return hex.EncodeToString(sum[:4])
}

// Cursors are opaque to clients: base64url of a JSON array holding the
// ordering's signature, then the record's sort values ending with its ID.
// Times travel as RFC 3339 strings.
func encodeCursor(orders []crm.Order, r crm.Record) string {
	vals := make([]any, len(orders)+1)
	vals[0] = orderingSig(orders)
	for i, o := range orders {
		v := sortValue(o.Target, r)
		if t, ok := v.(time.Time); ok {
			v = t.UTC().Format(time.RFC3339Nano)
		}
		vals[i+1] = v
	}
	b, _ := json.Marshal(vals)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(orders []crm.Order, cursor, param string) ([]any, error) {
	bad := crm.Invalid(param, crm.CodeMalformedCursor, "cursor %q is malformed or belongs to a different ordering", cursor)
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return nil, bad
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	var vals []any
	if err := dec.Decode(&vals); err != nil || len(vals) != len(orders)+1 || vals[0] != orderingSig(orders) {
		return nil, bad
	}
	vals = vals[1:]
	for i, o := range orders {
		v := vals[i]
		if v == nil {
			continue
		}
		kind := crm.KindText
		if o.Field != nil {
			kind = o.Field.Kind
		} else if o.Custom.Type == crm.TypeNumber || o.Custom.Type == crm.TypeCurrency {
			kind = crm.KindFloat
		} else if o.Custom.Type == crm.TypeBoolean {
			kind = crm.KindBool
		}
		var ok bool
		switch kind {
		case crm.KindDateTime:
			s, _ := v.(string)
			var t time.Time
			t, err = time.Parse(time.RFC3339Nano, s)
			v, ok = t, err == nil
		case crm.KindInt:
			n, _ := v.(json.Number)
			var x int64
			x, err = n.Int64()
			v, ok = x, err == nil
		case crm.KindFloat:
			n, _ := v.(json.Number)
			var x float64
			x, err = n.Float64()
			v, ok = x, err == nil
		case crm.KindBool:
			_, ok = v.(bool)
		default:
			_, ok = v.(string)
		}
		if !ok {
			return nil, bad
		}
		vals[i] = v
	}
	return vals, nil
}

// RecordListParams select a page of one object's records.
type RecordListParams struct {
	Schema      *crm.Schema
	WorkspaceID string
	crm.ListParams
}

// RecordList returns a page of records matching the filter, in the requested
// order, using keyset pagination so that deep pages cost the same as the
// first. Soft-deleted records are left out unless the filter mentions
// deletedAt.
func (s *Store) RecordList(ctx context.Context, p *RecordListParams) (*crm.Page, error) {
	o := p.Schema.Object
	q := &query{d: s.Dialect, obj: o}
	q.ws = q.bind(p.WorkspaceID)
	where := "workspace_id = " + q.ws
	if !p.Filter.Mentions("deletedAt") {
		where += " AND deleted_at IS NULL"
	}
	if !p.Filter.Empty() {
		where += " AND " + q.filter(p.Filter, false)
	}
	orders := append(append([]crm.Order{}, p.OrderBy...), tieBreaker(p.OrderBy))

	limit, sizeArg, backward, cursor, param := p.First, "first", false, p.After, "after"
	if p.Last != 0 || p.Before != "" {
		limit, sizeArg, backward, cursor, param = p.Last, "last", true, p.Before, "before"
	}
	limit, err := crm.PageSize(sizeArg, limit)
	if err != nil {
		return nil, err
	}

	page := &crm.Page{}
	if p.WithTotal {
		if err := s.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+o.Table+" WHERE "+where, q.args...).Scan(&page.TotalCount); err != nil {
			return nil, fmt.Errorf("store: count %s: %w", o.Plural, err)
		}
	}

	scan := orders
	if backward {
		scan = make([]crm.Order, len(orders))
		for i, x := range orders {
			scan[i] = crm.Order{Target: x.Target, Dir: flip(x.Dir)}
		}
	}
	if cursor != "" {
		vals, err := decodeCursor(orders, cursor, param)
		if err != nil {
			return nil, err
		}
		where += " AND " + q.after(scan, vals)
	}
	sqlText := "SELECT " + s.selectList(o) + " FROM " + o.Table + " WHERE " + where +
		" ORDER BY " + q.orderBy(scan) + fmt.Sprintf(" LIMIT %d", limit+1)
	recs, err := s.queryRecords(ctx, s.Read, o, p.WorkspaceID, sqlText, q.args)
	if err != nil {
		return nil, err
	}
	more := len(recs) > limit
	if more {
		recs = recs[:limit]
	}
	if backward {
		for i, j := 0, len(recs)-1; i < j; i, j = i+1, j-1 {
			recs[i], recs[j] = recs[j], recs[i]
		}
		page.HasPreviousPage, page.HasNextPage = more, cursor != ""
	} else {
		page.HasNextPage, page.HasPreviousPage = more, cursor != ""
	}
	page.Records = recs
	page.Cursors = make([]string, len(recs))
	for i, r := range recs {
		page.Cursors[i] = encodeCursor(orders, r)
	}
	return page, nil
}
