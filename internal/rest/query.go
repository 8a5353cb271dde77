package rest

import (
	"fmt"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
)

// ParseFilter compiles a filter written in Twenty's REST syntax against the
// schema:
//
//	emails.primaryEmail[eq]:a@b.c,city[in]:[Paris,"Lyon, France"]
//	or(stage[eq]:NEW,and(amount.amountMicros[gte]:1000000,not(city[is]:NULL)))
//
// Top-level conditions separated by commas are AND-ed; and(...), or(...)
// and not(...) nest. Values may be double-quoted so they can hold commas,
// parentheses and brackets (\" and \\ escape inside quotes); "in" and
// "containsAny" take a bracketed list. Operands are converted to the field's
// type by the schema, so the same compiler serves REST and GraphQL. Errors
// are *crm.Error: syntax errors name the "filter" parameter and the byte
// position, field and operator errors name the field.
func ParseFilter(s *crm.Schema, text string) (*crm.Filter, error) {
	p := &filterParser{src: text, schema: s}
	f := &crm.Filter{}
	if strings.TrimSpace(text) == "" {
		return f, nil
	}
	if err := p.items(f); err != nil {
		return nil, err
	}
	p.space()
	if !p.eof() {
		return nil, p.errorf("unexpected %q", p.src[p.pos])
	}
	return f, nil
}

type filterParser struct {
	src    string
	pos    int
	schema *crm.Schema
	depth  int
	conds  int
}

// maxFilterConds and crm.MaxFilterDepth bound a filter while it is parsed,
// so a hostile one cannot exhaust the stack or build an enormous SQL
// expression; crm.MaxFilterValues then bounds its values as on every
// surface.
const maxFilterConds = 100

func (p *filterParser) errorf(format string, args ...any) error {
	return crm.Invalid("filter", crm.CodeInvalidValue, "malformed filter at position %d: %s", p.pos, fmt.Sprintf(format, args...))
}

func (p *filterParser) eof() bool { return p.pos >= len(p.src) }

func (p *filterParser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.src[p.pos]
}

func (p *filterParser) space() {
	for !p.eof() && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
}

// items reads item (',' item)* into f, stopping before a ')' or at the end.
func (p *filterParser) items(f *crm.Filter) error {
	for {
		p.space()
		if err := p.item(f); err != nil {
			return err
		}
		p.space()
		if p.peek() != ',' {
			return nil
		}
		p.pos++
	}
}

// item reads one group or one condition and adds it to f.
func (p *filterParser) item(f *crm.Filter) error {
	start := p.pos
	name := p.path()
	if name == "" {
		if p.eof() {
			return p.errorf("expected a condition such as name.firstName[eq]:Ada, got the end of the filter")
		}
		return p.errorf("expected a field name, got %q", p.src[p.pos])
	}
	p.space()
	if p.peek() == '(' {
		switch name {
		case "and", "or", "not":
			return p.group(f, name)
		}
		p.pos = start
		return p.errorf("unknown group %q (use and, or, not)", name)
	}
	if p.peek() != '[' {
		return p.errorf("expected [comparator] after %q", name)
	}
	p.pos++
	opStart := p.pos
	for !p.eof() && p.src[p.pos] != ']' {
		p.pos++
	}
	if p.eof() {
		p.pos = opStart
		return p.errorf("missing ] after the comparator")
	}
	op := strings.TrimSpace(p.src[opStart:p.pos])
	p.pos++
	p.space()
	if p.peek() != ':' {
		return p.errorf("expected ':' after %s[%s]", name, op)
	}
	p.pos++
	p.space()
	if p.conds++; p.conds > maxFilterConds {
		return p.errorf("more than %d conditions", maxFilterConds)
	}
	c, err := p.condition(name, op)
	if err != nil {
		return err
	}
	f.Conds = append(f.Conds, c)
	return nil
}

// path reads a dotted field name.
func (p *filterParser) path() string {
	start := p.pos
	for !p.eof() {
		c := p.src[p.pos]
		if c == '.' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			p.pos++
			continue
		}
		break
	}
	return p.src[start:p.pos]
}

// group reads and(...), or(...) or not(...) (the name is already read, the
// parser is at the opening parenthesis) and adds it to f as an And child, so
// several groups at one level never overwrite each other.
func (p *filterParser) group(f *crm.Filter, kind string) error {
	p.depth++
	if p.depth > crm.MaxFilterDepth {
		return p.errorf("groups nest deeper than %d levels", crm.MaxFilterDepth)
	}
	p.pos++ // (
	p.space()
	if p.peek() == ')' {
		return p.errorf("%s() needs at least one condition", kind)
	}
	var sub *crm.Filter
	switch kind {
	case "or":
		sub = &crm.Filter{}
		for {
			alt := &crm.Filter{}
			p.space()
			if err := p.item(alt); err != nil {
				return err
			}
			sub.Or = append(sub.Or, alt)
			p.space()
			if p.peek() != ',' {
				break
			}
			p.pos++
		}
	case "and":
		sub = &crm.Filter{}
		if err := p.items(sub); err != nil {
			return err
		}
	case "not":
		inner := &crm.Filter{}
		if err := p.items(inner); err != nil {
			return err
		}
		sub = &crm.Filter{Not: inner}
	}
	p.space()
	if p.peek() != ')' {
		if p.eof() {
			return p.errorf("missing ) to close %s(", kind)
		}
		return p.errorf("expected ',' or ')' in %s(...), got %q", kind, p.src[p.pos])
	}
	p.pos++
	p.depth--
	f.And = append(f.And, sub)
	return nil
}

// condition reads the operand of path[op]: and builds the comparison.
func (p *filterParser) condition(path, op string) (crm.Cond, error) {
	valuePos := p.pos
	if p.peek() == '[' {
		list, err := p.list()
		if err != nil {
			return crm.Cond{}, err
		}
		if op != string(crm.OpIn) && op != string(crm.OpContainsAny) {
			// Let the schema report an unknown field or operator first.
			if _, err := p.schema.Condition(path, op, "", true); err != nil && !isTypeError(err) {
				return crm.Cond{}, err
			}
			p.pos = valuePos
			return crm.Cond{}, p.errorf("only in and containsAny take a [list]; %s[%s] takes one value", path, op)
		}
		return p.listCondition(path, op, list)
	}
	v, err := p.value(false)
	if err != nil {
		return crm.Cond{}, err
	}
	if op == string(crm.OpIn) || op == string(crm.OpContainsAny) {
		if _, err := p.schema.Resolve(path); err != nil {
			return crm.Cond{}, err
		}
		p.pos = valuePos
		return crm.Cond{}, p.errorf("%s[%s] takes a list in brackets, like [a,b]", path, op)
	}
	return p.schema.Condition(path, op, v, true)
}

func isTypeError(err error) bool {
	e, ok := crm.AsError(err)
	return ok && (e.Code == crm.CodeInvalidType || e.Code == crm.CodeInvalidEnum)
}

// listCondition converts each element with the field's type, so quoted
// elements may hold commas (crm's own text splitting would cut them).
func (p *filterParser) listCondition(path, op string, list []string) (crm.Cond, error) {
	if op == string(crm.OpContainsAny) {
		vals := make([]any, len(list))
		for i, s := range list {
			vals[i] = s
		}
		return p.schema.Condition(path, op, vals, false)
	}
	c, err := p.schema.Condition(path, op, "[]", true) // checks the field and that "in" applies
	if err != nil {
		return crm.Cond{}, err
	}
	vals := make([]any, len(list))
	for i, s := range list {
		ec, err := p.schema.Condition(path, string(crm.OpEq), s, true)
		if err != nil {
			return crm.Cond{}, err
		}
		vals[i] = ec.Value
	}
	c.Value = vals
	return c, nil
}

// list reads [v, v, ...] (at the opening bracket).
func (p *filterParser) list() ([]string, error) {
	p.pos++ // [
	out := []string{}
	p.space()
	if p.peek() == ']' {
		p.pos++
		return out, nil
	}
	for {
		p.space()
		v, err := p.value(true)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		p.space()
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return out, nil
		case 0:
			return nil, p.errorf("missing ] to close the list")
		default:
			return nil, p.errorf("expected ',' or ']' in the list, got %q", p.src[p.pos])
		}
	}
}

// value reads a quoted or bare operand. A bare operand ends at a comma, a
// closing parenthesis, or (inside a list) a closing bracket; surrounding
// spaces are trimmed.
func (p *filterParser) value(inList bool) (string, error) {
	if p.peek() == '"' {
		return p.quoted()
	}
	start := p.pos
	for !p.eof() {
		c := p.src[p.pos]
		if c == ',' || c == ')' || (inList && c == ']') {
			break
		}
		if c == '"' {
			return "", p.errorf("a quote may only start a value; quote the whole value")
		}
		p.pos++
	}
	return strings.TrimSpace(p.src[start:p.pos]), nil
}

// quoted reads "..." with \" and \\ escapes.
func (p *filterParser) quoted() (string, error) {
	start := p.pos
	p.pos++
	var b strings.Builder
	for !p.eof() {
		c := p.src[p.pos]
		switch c {
		case '\\':
			if p.pos+1 < len(p.src) && (p.src[p.pos+1] == '"' || p.src[p.pos+1] == '\\') {
				b.WriteByte(p.src[p.pos+1])
				p.pos += 2
				continue
			}
		case '"':
			p.pos++
			return b.String(), nil
		}
		b.WriteByte(c)
		p.pos++
	}
	p.pos = start
	return "", p.errorf("unterminated quoted value")
}
