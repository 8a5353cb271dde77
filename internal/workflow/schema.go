package workflow

import (
	"sort"
	"strconv"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
)

// Schema types.
const (
	TypeObject  = "object"
	TypeArray   = "array"
	TypeString  = "string"
	TypeNumber  = "number"
	TypeBoolean = "boolean"
	TypeAny     = "any"
)

// Schema describes what a trigger or a step outputs, for the variable
// picker and for checking variables at activation. An Open object accepts
// any sub-path (a webhook body, an HTTP response): its shape is not known
// before the run.
type Schema struct {
	Type   string             `json:"type"`
	Label  string             `json:"label,omitempty"`
	Fields map[string]*Schema `json:"fields,omitempty"`
	Items  *Schema            `json:"items,omitempty"`
	Open   bool               `json:"open,omitempty"`
}

// Object returns an object schema with the given fields.
func Object(fields map[string]*Schema) *Schema { return &Schema{Type: TypeObject, Fields: fields} }

// OpenObject returns an object schema that accepts any path.
func OpenObject(label string) *Schema { return &Schema{Type: TypeObject, Open: true, Label: label} }

// Scalar returns a leaf schema of type t.
func Scalar(t string) *Schema { return &Schema{Type: t} }

// ArrayOf returns an array schema whose items are item.
func ArrayOf(item *Schema) *Schema { return &Schema{Type: TypeArray, Items: item} }

// lookup checks that path exists in the schema; it returns the first
// segment that does not, or "" when the path is fine.
func (s *Schema) lookup(path []string) string {
	cur := s
	for _, seg := range path {
		switch {
		case cur == nil:
			return seg
		case cur.Type == TypeAny || cur.Open:
			return ""
		case cur.Type == TypeArray:
			if _, err := strconv.Atoi(seg); err == nil {
				cur = cur.Items
				continue
			}
			if seg == "length" {
				cur = Scalar(TypeNumber)
				continue
			}
			return seg
		case cur.Type == TypeObject:
			next, ok := cur.Fields[seg]
			if !ok {
				return seg
			}
			cur = next
		default:
			return seg
		}
	}
	return ""
}

// Paths lists the leaf variable paths of the schema under prefix, for the
// variable picker and for error messages ("known: ...").
func (s *Schema) Paths(prefix string) []string {
	var out []string
	var walk func(p string, sc *Schema)
	walk = func(p string, sc *Schema) {
		if sc == nil || sc.Type != TypeObject || sc.Open || len(sc.Fields) == 0 {
			out = append(out, p)
			return
		}
		for k, f := range sc.Fields {
			walk(p+"."+k, f)
		}
	}
	walk(prefix, s)
	sort.Strings(out)
	return out
}

// RecordSchema is the output schema of one record of the object in the
// records' JSON shape: composites nested, custom fields as top-level keys.
func RecordSchema(s *crm.Schema) *Schema {
	out := Object(map[string]*Schema{})
	for _, f := range s.Object.Fields {
		if f.Hidden {
			continue
		}
		leaf := Scalar(kindType(f.Kind))
		if g := f.Group(); g != "" {
			grp, ok := out.Fields[g]
			if !ok {
				grp = Object(map[string]*Schema{})
				out.Fields[g] = grp
			}
			grp.Fields[f.Sub()] = leaf
			continue
		}
		out.Fields[f.Name] = leaf
	}
	for name, d := range s.Custom {
		out.Fields[name] = customType(d)
	}
	out.Label = s.Object.Label
	return out
}

func kindType(k crm.Kind) string {
	switch k {
	case crm.KindInt, crm.KindFloat:
		return TypeNumber
	case crm.KindBool:
		return TypeBoolean
	case crm.KindStringList, crm.KindJSON:
		return TypeArray
	}
	return TypeString
}

func customType(d *crm.FieldDefinition) *Schema {
	switch d.Type {
	case crm.TypeNumber:
		return Scalar(TypeNumber)
	case crm.TypeBoolean:
		return Scalar(TypeBoolean)
	case crm.TypeMultiSelect:
		return ArrayOf(Scalar(TypeString))
	}
	if subs := d.CompositeSubs(); subs != nil {
		m := map[string]*Schema{}
		for _, sub := range subs {
			t := TypeString
			if sub == "amountMicros" {
				t = TypeNumber
			}
			m[sub] = Scalar(t)
		}
		return Object(m)
	}
	return Scalar(TypeString)
}

// knownFields names the fields of an object schema, for error messages.
func (s *Schema) knownFields() string {
	if s == nil || len(s.Fields) == 0 {
		return ""
	}
	names := make([]string, 0, len(s.Fields))
	for k := range s.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	if len(names) > 12 {
		names = append(names[:12], "...")
	}
	return strings.Join(names, ", ")
}
