package crm

import "strings"

// Op is a filter comparator, named as in Twenty.
type Op string

// Filter operators.
const (
	OpEq          Op = "eq"
	OpNeq         Op = "neq"
	OpIn          Op = "in"
	OpIs          Op = "is"
	OpLike        Op = "like"
	OpILike       Op = "ilike"
	OpStartsWith  Op = "startsWith"
	OpEndsWith    Op = "endsWith"
	OpGt          Op = "gt"
	OpGte         Op = "gte"
	OpLt          Op = "lt"
	OpLte         Op = "lte"
	OpContainsAny Op = "containsAny"
)

// Ops lists every operator, for error messages and documentation.
var Ops = []Op{OpEq, OpNeq, OpIn, OpIs, OpLike, OpILike, OpStartsWith, OpEndsWith, OpGt, OpGte, OpLt, OpLte, OpContainsAny}

// Values of the "is" operator.
const (
	IsNull    = "NULL"
	IsNotNull = "NOT_NULL"
)

// Target is what a condition or an ordering applies to: a standard field, or
// a custom field (with a sub-field for CURRENCY and LINKS). With Via set,
// Field is a field of the relation's object, reached through it.
type Target struct {
	Field  *Field
	Custom *FieldDefinition
	Sub    string
	Via    *Relation
}

// Path is the target's API path, used in error messages.
func (t Target) Path() string {
	if t.Via != nil {
		return t.Via.Name + "." + t.Via.subName(t.Field.Name)
	}
	if t.Field != nil {
		return t.Field.Name
	}
	if t.Sub != "" {
		return t.Custom.Name + "." + t.Sub
	}
	return t.Custom.Name
}

// valueKind is the kind operands of the target are converted to.
func (t Target) valueKind() Kind {
	if t.Field != nil {
		return t.Field.Kind
	}
	switch t.Custom.Type {
	case TypeNumber:
		return KindFloat
	case TypeBoolean:
		return KindBool
	case TypeDateTime:
		return KindDateTime
	case TypeMultiSelect:
		return KindStringList
	case TypeCurrency:
		if t.Sub == "amountMicros" {
			return KindInt
		}
	}
	return KindText
}

// Cond is one comparison. Value is already converted: a string, int64,
// float64, bool, time.Time, a []any for "in" and "containsAny", or IsNull /
// IsNotNull for "is". Custom DATE_TIME operands are stored-format strings.
type Cond struct {
	Target
	Op    Op
	Value any
}

// Filter is a tree of conditions: all Conds and all And children must hold,
// at least one Or child must hold when there are any, and Not must not.
type Filter struct {
	Conds []Cond
	And   []*Filter
	Or    []*Filter
	Not   *Filter
}

// Empty reports whether the filter matches everything.
func (f *Filter) Empty() bool {
	return f == nil || (len(f.Conds) == 0 && len(f.And) == 0 && len(f.Or) == 0 && f.Not == nil)
}

// Mentions reports whether any condition in the tree targets the standard
// field name. Lists include soft-deleted records only when the filter
// mentions deletedAt, as in Twenty.
func (f *Filter) Mentions(name string) bool {
	if f == nil {
		return false
	}
	for _, c := range f.Conds {
		if c.Via == nil && c.Field != nil && c.Field.Name == name {
			return true
		}
	}
	for _, g := range append(append(append([]*Filter{}, f.And...), f.Or...), f.Not) {
		if g.Mentions(name) {
			return true
		}
	}
	return false
}

// Limits on one filter, for every surface. Every compared value is a bound
// SQL parameter and every condition a node of the SQL expression: SQLite
// refuses more than 32,766 parameters ("too many SQL variables") and
// expressions nested deeper than 1,000 (a long or-chain is that deep), so
// these keep any filter far inside both databases' limits and make an
// oversized one a client error that names the limit, not a database
// failure.
const (
	// MaxFilterValues counts each condition's value once and each element
	// of an in or containsAny list once.
	MaxFilterValues = 500
	// MaxFilterDepth is how deep and/or/not groups may nest.
	MaxFilterDepth = 16
)

// CheckSize refuses a filter over MaxFilterValues or MaxFilterDepth.
// records.List calls it, so every surface (REST, GraphQL, web) answers the
// same way.
func (f *Filter) CheckSize() error {
	n, depth := f.size()
	if n > MaxFilterValues {
		return Invalid("filter", CodeInvalidValue, "filter compares against %d values; the limit is %d (each element of an in list counts)", n, MaxFilterValues)
	}
	if depth > MaxFilterDepth {
		return Invalid("filter", CodeInvalidValue, "filter groups nest %d levels deep; the limit is %d", depth, MaxFilterDepth)
	}
	return nil
}

// size is the number of compared values and the nesting depth of groups.
func (f *Filter) size() (values, depth int) {
	if f == nil {
		return 0, 0
	}
	for _, c := range f.Conds {
		if list, ok := c.Value.([]any); ok {
			values += len(list)
		} else {
			values++
		}
	}
	for _, g := range append(append(append([]*Filter{}, f.And...), f.Or...), f.Not) {
		if g == nil {
			continue
		}
		n, d := g.size()
		values += n
		depth = max(depth, d+1)
	}
	return values, depth
}

// ParseFilter reads a filter in Twenty's GraphQL shape:
//
//	{"emails": {"primaryEmail": {"eq": "a@b.c"}}, "whopUserId": {"is": "NOT_NULL"},
//	 "or": [{"city": {"ilike": "%paris%"}}, ...], "not": {...},
//	 "customFields": {"tier": {"in": ["GOLD"]}, "price": {"amountMicros": {"gt": 0}}}}
func (s *Schema) ParseFilter(m map[string]any) (*Filter, error) {
	return s.parseFilter(m, "filter")
}

func (s *Schema) parseFilter(m map[string]any, at string) (*Filter, error) {
	f := &Filter{}
	for _, k := range sortedKeys(m) {
		v := m[k]
		path := at + "." + k
		switch {
		case k == "and" || k == "or":
			list, ok := toList(v)
			if !ok {
				if one, isMap := v.(map[string]any); isMap {
					list = []any{one}
				} else {
					return nil, Invalid(path, CodeInvalidType, "expected a list of filters")
				}
			}
			for i, x := range list {
				sm, ok := x.(map[string]any)
				if !ok {
					return nil, Invalid(path, CodeInvalidType, "element %d is not a filter object", i)
				}
				sub, err := s.parseFilter(sm, path)
				if err != nil {
					return nil, err
				}
				if k == "and" {
					f.And = append(f.And, sub)
				} else {
					f.Or = append(f.Or, sub)
				}
			}
		case k == "not":
			sm, ok := v.(map[string]any)
			if !ok {
				return nil, Invalid(path, CodeInvalidType, "expected a filter object")
			}
			sub, err := s.parseFilter(sm, path)
			if err != nil {
				return nil, err
			}
			f.Not = sub
		case k == "customFields":
			cm, ok := v.(map[string]any)
			if !ok {
				return nil, Invalid(path, CodeInvalidType, "expected an object keyed by custom field name")
			}
			for _, name := range sortedKeys(cm) {
				if err := s.parseFieldOps(f, name, cm[name], path+"."+name); err != nil {
					return nil, err
				}
			}
		default:
			if err := s.parseFieldOps(f, k, v, path); err != nil {
				return nil, err
			}
		}
	}
	return f, nil
}

// parseFieldOps reads {"op": value, ...} for a field, or {"sub": {"op": value}}
// for a composite.
func (s *Schema) parseFieldOps(f *Filter, name string, v any, at string) error {
	m, ok := v.(map[string]any)
	if !ok {
		return Invalid(at, CodeInvalidType, "expected an object of operators")
	}
	composite := len(s.Object.Composite(name)) > 0 || s.Object.Relation(name) != nil
	if d, ok := s.Custom[name]; ok && d.CompositeSubs() != nil {
		composite = true
	}
	if composite {
		for _, sub := range sortedKeys(m) {
			if err := s.parseFieldOps(f, name+"."+sub, m[sub], at+"."+sub); err != nil {
				return err
			}
		}
		return nil
	}
	for _, op := range sortedKeys(m) {
		c, err := s.Condition(name, op, m[op], false)
		if err != nil {
			return err
		}
		f.Conds = append(f.Conds, c)
	}
	return nil
}

// Resolve finds the target for an API path: a standard field ("emails.primaryEmail"),
// a custom field ("tier"), or a custom composite sub-field ("price.amountMicros").
func (s *Schema) Resolve(path string) (Target, error) {
	if f, ok := s.Object.Field(path); ok {
		return Target{Field: f}, nil
	}
	if rel, sub, _ := strings.Cut(path, "."); s.Object.Relation(rel) != nil {
		return s.Object.Relation(rel).resolve(path, sub)
	}
	name, sub, _ := strings.Cut(strings.TrimPrefix(path, "customFields."), ".")
	if d, ok := s.Custom[name]; ok {
		subs := d.CompositeSubs()
		if sub == "" && subs == nil {
			return Target{Custom: d}, nil
		}
		for _, x := range subs {
			if x == sub {
				return Target{Custom: d, Sub: sub}, nil
			}
		}
		if subs != nil {
			return Target{}, Invalid(path, CodeUnknownField, "%s field %q needs one of the sub-fields %s", d.Type, name, strings.Join(subs, ", "))
		}
	}
	if subs := s.Object.Composite(path); len(subs) > 0 {
		return Target{}, Invalid(path, CodeUnknownField, "%q is a composite field: use one of its sub-fields %s", path, subNames(subs))
	}
	return Target{}, Invalid(path, CodeUnknownField, "%s has no field %q", s.Object.Name, path)
}

// Condition builds one comparison. fromText says the operand arrived as text
// (a REST query string) and must be parsed into the field's type.
func (s *Schema) Condition(path, op string, v any, fromText bool) (Cond, error) {
	t, err := s.Resolve(path)
	if err != nil {
		return Cond{}, err
	}
	o := Op(op)
	known := false
	for _, x := range Ops {
		known = known || x == o
	}
	if !known {
		return Cond{}, Invalid(path, CodeUnknownOperator, "unknown filter operator %q (known: %s)", op, opNames())
	}
	kind := t.valueKind()
	if !opAllowed(kind, o) {
		return Cond{}, Invalid(path, CodeUnknownOperator, "operator %q does not apply to this field", op)
	}
	c := Cond{Target: t, Op: o}
	switch o {
	case OpIs:
		sv, _ := v.(string)
		if sv != IsNull && sv != IsNotNull {
			return Cond{}, Invalid(path, CodeInvalidEnum, "is takes NULL or NOT_NULL")
		}
		c.Value = sv
	case OpIn, OpContainsAny:
		var list []any
		if fromText {
			if s, ok := v.(string); ok {
				for _, part := range splitList(s) {
					list = append(list, part)
				}
			}
		} else if l, ok := toList(v); ok {
			list = l
		} else {
			return Cond{}, Invalid(path, CodeInvalidType, "%s takes a list", op)
		}
		elemKind := kind
		if kind == KindStringList {
			elemKind = KindText
		}
		for i, x := range list {
			cv, err := operand(t, elemKind, x, fromText, path)
			if err != nil {
				return Cond{}, err
			}
			list[i] = cv
		}
		c.Value = list
	default:
		cv, err := operand(t, kind, v, fromText, path)
		if err != nil {
			return Cond{}, err
		}
		c.Value = cv
	}
	return c, nil
}

func opNames() string {
	names := make([]string, len(Ops))
	for i, o := range Ops {
		names[i] = string(o)
	}
	return strings.Join(names, ", ")
}

func splitList(s string) []string {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"`)
	}
	return parts
}

func opAllowed(k Kind, o Op) bool {
	switch o {
	case OpIs:
		return true
	case OpLike, OpILike, OpStartsWith, OpEndsWith:
		return k == KindText || k == KindNullText || k == KindEmail || k == KindEnum || k == KindUUID
	case OpContainsAny:
		return k == KindStringList
	case OpEq, OpNeq, OpIn:
		return k != KindStringList && k != KindJSON
	default: // ordering comparisons
		return k != KindStringList && k != KindJSON && k != KindBool
	}
}

// operand converts one filter operand to the target's comparison type.
func operand(t Target, k Kind, v any, fromText bool, path string) (any, error) {
	if fromText {
		s, _ := v.(string)
		pv, ok := ParseText(k, s)
		if !ok {
			return nil, Invalid(path, CodeInvalidType, "%q is not %s", s, kindName(k))
		}
		v = pv
	}
	var out any
	ok := true
	switch k {
	case KindInt:
		out, ok = toInt64(v)
	case KindFloat:
		out, ok = toFloat(v)
	case KindBool:
		out, ok = v.(bool)
	case KindDateTime:
		var tm any
		tm, ok = toTime(v)
		out = tm
		if ok && t.Custom != nil {
			out = FormatCustomTime(v2t(tm))
		}
	default:
		var s string
		s, ok = v.(string)
		if k == KindEmail {
			s = strings.ToLower(s)
		}
		out = s
	}
	if !ok {
		return nil, Invalid(path, CodeInvalidType, "expected %s, got %s", kindName(k), describe(v))
	}
	return out, nil
}

func kindName(k Kind) string {
	switch k {
	case KindInt:
		return "an integer"
	case KindFloat:
		return "a number"
	case KindBool:
		return "a boolean"
	case KindDateTime:
		return "an ISO-8601 date-time"
	}
	return "a string"
}

// Direction is an ordering direction, named as in Twenty.
type Direction string

// Ordering directions.
const (
	AscNullsFirst  Direction = "AscNullsFirst"
	AscNullsLast   Direction = "AscNullsLast"
	DescNullsFirst Direction = "DescNullsFirst"
	DescNullsLast  Direction = "DescNullsLast"
)

// Desc reports whether the direction is descending.
func (d Direction) Desc() bool { return d == DescNullsFirst || d == DescNullsLast }

// NullsFirst reports whether NULLs sort before values.
func (d Direction) NullsFirst() bool { return d == AscNullsFirst || d == DescNullsFirst }

// Order is one ordering key.
type Order struct {
	Target
	Dir Direction
}

// OrderBy builds one ordering key from a path and a direction name.
func (s *Schema) OrderBy(path, dir string) (Order, error) {
	t, err := s.Resolve(path)
	if err != nil {
		return Order{}, err
	}
	d := Direction(dir)
	switch d {
	case AscNullsFirst, AscNullsLast, DescNullsFirst, DescNullsLast:
	case "":
		d = AscNullsFirst
	default:
		return Order{}, Invalid(path, CodeInvalidEnum, "direction %q is not one of AscNullsFirst, AscNullsLast, DescNullsFirst, DescNullsLast", dir)
	}
	if k := t.valueKind(); k == KindStringList || k == KindJSON {
		return Order{}, Invalid(path, CodeInvalidValue, "cannot order by a list field")
	}
	if t.Via != nil {
		return Order{}, Invalid(path, CodeInvalidValue, "cannot order by %s: a %s may have several", t.Via.Name, t.Via.Name)
	}
	return Order{Target: t, Dir: d}, nil
}

// ParseOrderBy reads Twenty's GraphQL orderBy: a list of objects such as
// {"name": {"firstName": "AscNullsFirst"}}, {"createdAt": "DescNullsLast"} or
// {"customFields": {"tier": "AscNullsLast"}}, applied in list order.
func (s *Schema) ParseOrderBy(list []map[string]any) ([]Order, error) {
	var out []Order
	var walk func(prefix string, m map[string]any) error
	walk = func(prefix string, m map[string]any) error {
		for _, k := range sortedKeys(m) {
			path := k
			if prefix != "" {
				path = prefix + "." + k
			}
			if path == "customFields" {
				path = ""
			}
			switch v := m[k].(type) {
			case map[string]any:
				if err := walk(path, v); err != nil {
					return err
				}
			case string:
				o, err := s.OrderBy(path, v)
				if err != nil {
					return err
				}
				out = append(out, o)
			default:
				return Invalid("orderBy."+path, CodeInvalidType, "expected a direction")
			}
		}
		return nil
	}
	for _, m := range list {
		if err := walk("", m); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ListParams select a page of records.
type ListParams struct {
	Filter  *Filter
	OrderBy []Order
	// First/After page forwards, Last/Before backwards; cursors are opaque.
	First  int
	After  string
	Last   int
	Before string
	// WithTotal asks for totalCount, which costs a COUNT over the filter.
	WithTotal bool
}

// Page is one page of records with a cursor per record.
type Page struct {
	Records         []Record
	Cursors         []string
	HasNextPage     bool
	HasPreviousPage bool
	TotalCount      int
}
