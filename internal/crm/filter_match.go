package crm

import (
	"regexp"
	"strings"
	"time"
)

// Match evaluates the filter on one record in memory, with the semantics
// the store gives it in SQL: a comparison with a missing value is false
// (neq is true), "is NULL" also holds for empty text, like is
// case-sensitive and ilike is not. Workflow triggers use it to test the
// record as a change left it. ok is false when the filter has a condition
// on a related record (Via), which only the database can answer.
func (f *Filter) Match(r Record) (matched, ok bool) {
	if f == nil {
		return true, true
	}
	for _, c := range f.Conds {
		if c.Via != nil {
			return false, false
		}
		if !c.match(r) {
			return false, true
		}
	}
	for _, g := range f.And {
		m, ok := g.Match(r)
		if !ok || !m {
			return false, ok
		}
	}
	if len(f.Or) > 0 {
		any := false
		for _, g := range f.Or {
			m, ok := g.Match(r)
			if !ok {
				return false, false
			}
			any = any || m
		}
		if !any {
			return false, true
		}
	}
	if f.Not != nil {
		m, ok := f.Not.Match(r)
		if !ok {
			return false, false
		}
		return !m, true
	}
	return true, true
}

// value is the target's value in r as a plain Go value: string, int64,
// float64, bool, time.Time, []any, map[string]any, or nil when unset.
func (t Target) value(r Record) any {
	if t.Field != nil {
		return plain(t.Field.Value(r))
	}
	v := r.Meta().CustomFields[t.Custom.Name]
	if t.Sub != "" {
		m, _ := v.(map[string]any)
		v = m[t.Sub]
	}
	return plain(v)
}

// plain dereferences pointers and turns string lists into []any.
func plain(v any) any {
	switch x := v.(type) {
	case *string:
		if x == nil {
			return nil
		}
		return *x
	case *int64:
		if x == nil {
			return nil
		}
		return *x
	case *float64:
		if x == nil {
			return nil
		}
		return *x
	case *time.Time:
		if x == nil {
			return nil
		}
		return *x
	case *bool:
		if x == nil {
			return nil
		}
		return *x
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	}
	return v
}

func (c Cond) match(r Record) bool {
	v := c.value(r)
	switch c.Op {
	case OpIs:
		null := v == nil
		if s, isStr := v.(string); isStr && s == "" {
			null = true
		}
		return null == (c.Value == IsNull)
	case OpNeq:
		return v == nil || compareValues(v, c.Value) != 0
	case OpIn:
		list, _ := c.Value.([]any)
		for _, x := range list {
			if v != nil && compareValues(v, x) == 0 {
				return true
			}
		}
		return false
	case OpContainsAny:
		have, _ := v.([]any)
		list, _ := c.Value.([]any)
		for _, h := range have {
			for _, x := range list {
				if compareValues(h, x) == 0 {
					return true
				}
			}
		}
		return false
	}
	if v == nil {
		return false
	}
	switch c.Op {
	case OpEq, OpGt, OpGte, OpLt, OpLte:
		n := compareValues(v, c.Value)
		switch {
		case n == incomparable:
			return false
		case c.Op == OpEq:
			return n == 0
		case c.Op == OpGt:
			return n > 0
		case c.Op == OpGte:
			return n >= 0
		case c.Op == OpLt:
			return n < 0
		}
		return n <= 0
	}
	s, _ := v.(string)
	pattern, _ := c.Value.(string)
	switch c.Op {
	case OpLike:
		return likeRegexp(pattern, false).MatchString(s)
	case OpILike:
		return likeRegexp(pattern, true).MatchString(s)
	case OpStartsWith:
		return strings.HasPrefix(s, pattern)
	case OpEndsWith:
		return strings.HasSuffix(s, pattern)
	}
	return false
}

// incomparable is what compareValues answers for values of different kinds.
const incomparable = 2

// compareValues orders two plain values of one kind (numbers of any Go
// type together); values of different kinds are incomparable.
func compareValues(a, b any) int {
	if x, ok := toFloat(a); ok {
		if y, ok := toFloat(b); ok {
			return order(x < y, x > y)
		}
		return incomparable
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	case bool:
		if y, ok := b.(bool); ok {
			return order(!x && y, x && !y)
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return order(x.Before(y), x.After(y))
		}
	}
	return incomparable
}

func order(less, more bool) int {
	switch {
	case less:
		return -1
	case more:
		return 1
	}
	return 0
}

// likeRegexp compiles an SQL LIKE pattern (% any run, _ one character).
func likeRegexp(pattern string, fold bool) *regexp.Regexp {
	var sb strings.Builder
	if fold {
		sb.WriteString("(?is)")
	} else {
		sb.WriteString("(?s)")
	}
	sb.WriteString("^")
	for _, r := range pattern {
		switch r {
		case '%':
			sb.WriteString(".*")
		case '_':
			sb.WriteString(".")
		default:
			sb.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	sb.WriteString("$")
	return regexp.MustCompile(sb.String())
}
