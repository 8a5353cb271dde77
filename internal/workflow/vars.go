package workflow

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Variables are {{trigger.<path>}} and {{<stepId>.<path>}} inside any string
// of a step's input. This file is the one renderer: it only looks values up
// by path, never evaluates anything, and never hands user text to a template
// engine. A string that is exactly one variable becomes the variable's value
// with its type (an object, a number, a list); a variable inside longer text
// is written as text (objects and lists as JSON).

// VarRef is one variable: its root (a step ID or "trigger") and the path
// under it.
type VarRef struct {
	Root string
	Path []string
}

// String is the variable as written, without braces.
func (v VarRef) String() string { return strings.Join(append([]string{v.Root}, v.Path...), ".") }

// piece is literal text or a variable of a parsed template.
type piece struct {
	text string
	ref  *VarRef
}

// parseTemplate splits s into text and variables. Text between "{{" and
// "}}" that is not a dotted path of letters, digits, "_" and "-" is an
// error, so a typo is caught at activation instead of printed at run time.
func parseTemplate(s string) ([]piece, error) {
	var out []piece
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			if s != "" {
				out = append(out, piece{text: s})
			}
			return out, nil
		}
		j := strings.Index(s[i+2:], "}}")
		if j < 0 {
			out = append(out, piece{text: s})
			return out, nil
		}
		if i > 0 {
			out = append(out, piece{text: s[:i]})
		}
		inner := strings.TrimSpace(s[i+2 : i+2+j])
		ref, err := parseRef(inner)
		if err != nil {
			return nil, err
		}
		out = append(out, piece{ref: ref})
		s = s[i+2+j+2:]
	}
}

func parseRef(inner string) (*VarRef, error) {
	if inner == "" {
		return nil, fmt.Errorf("empty variable {{}}")
	}
	segs := strings.Split(inner, ".")
	for _, seg := range segs {
		if seg == "" {
			return nil, fmt.Errorf("variable {{%s}} has an empty path segment", inner)
		}
		for _, r := range seg {
			if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return nil, fmt.Errorf("{{%s}} is not a variable: use {{trigger.<path>}} or {{<stepId>.<path>}} (letters, digits, _ and - separated by dots)", inner)
			}
		}
	}
	return &VarRef{Root: segs[0], Path: segs[1:]}, nil
}

// fieldRef is a variable found in an input, with the input field holding it.
type fieldRef struct {
	Field string
	Ref   VarRef
}

// references lists the variables in v (a step's input or part of it),
// each with the dotted field path where it appears.
func references(v any, at string) ([]fieldRef, error) {
	var out []fieldRef
	var walk func(v any, at string) error
	walk = func(v any, at string) error {
		switch x := v.(type) {
		case string:
			ps, err := parseTemplate(x)
			if err != nil {
				return &refError{field: at, err: err}
			}
			for _, p := range ps {
				if p.ref != nil {
					out = append(out, fieldRef{Field: at, Ref: *p.ref})
				}
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if err := walk(x[k], join(at, k)); err != nil {
					return err
				}
			}
		case []any:
			for i, e := range x {
				if err := walk(e, fmt.Sprintf("%s[%d]", at, i)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	err := walk(v, at)
	return out, err
}

type refError struct {
	field string
	err   error
}

func (e *refError) Error() string { return e.err.Error() }

func join(at, k string) string {
	if at == "" {
		return k
	}
	return at + "." + k
}

// Scope holds the values variables resolve against: the trigger's payload
// under "trigger" and each step's output under its ID.
type Scope map[string]any

// Render resolves every variable in v and returns the result; v itself is
// not modified. A variable whose step has not run, or whose path is absent
// in this run's data, renders as null (alone) or "" (inside text); that a
// path can exist at all was checked at activation.
func (sc Scope) Render(v any) (any, error) {
	switch x := v.(type) {
	case string:
		ps, err := parseTemplate(x)
		if err != nil {
			return nil, err
		}
		if len(ps) == 1 && ps[0].ref != nil {
			return sc.Lookup(*ps[0].ref), nil
		}
		var sb strings.Builder
		for _, p := range ps {
			if p.ref == nil {
				sb.WriteString(p.text)
				continue
			}
			sb.WriteString(Text(sc.Lookup(*p.ref)))
		}
		return sb.String(), nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			r, err := sc.Render(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			r, err := sc.Render(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

// Lookup returns the value at a variable's path, or nil.
func (sc Scope) Lookup(ref VarRef) any {
	cur, ok := sc[ref.Root]
	if !ok {
		return nil
	}
	for _, seg := range ref.Path {
		switch x := cur.(type) {
		case map[string]any:
			cur = x[seg]
		case []any:
			if seg == "length" {
				cur = float64(len(x))
				continue
			}
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			cur = x[i]
		default:
			return nil
		}
	}
	return cur
}

// Text writes a value the way it appears inside text: strings as they are,
// numbers without exponent noise, null as nothing, objects and lists as JSON.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// normalizeJSON turns any Go value into the plain JSON types (maps, slices,
// float64, string, bool, nil) that Scope.Lookup walks.
func normalizeJSON(v any) (any, error) {
	switch v.(type) {
	case nil, string, bool, float64:
		return v, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(b, &out)
	return out, err
}
