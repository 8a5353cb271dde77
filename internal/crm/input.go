package crm

import (
	"net/url"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Input is a create or update payload keyed by API field names, as decoded
// from JSON or GraphQL: composites are nested maps ({"name": {"firstName":
// "Ada"}}), custom fields are either under "customFields" or top-level keys.
// Only the keys present are written, so an update is always a partial patch.
type Input = map[string]any

// Change is the before and after value of one field in a write.
type Change struct {
	Before any `json:"before"`
	After  any `json:"after"`
}

// Diff maps the API path of each changed field to its change.
type Diff map[string]Change

// Fields lists the changed field paths, sorted.
func (d Diff) Fields() []string {
	out := make([]string, 0, len(d))
	for k := range d {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Apply validates in against the schema and writes it into r, returning what
// changed. On error r may be partly modified; callers discard it. creating
// allows the client to choose the record's id.
func (s *Schema) Apply(r Record, in Input, creating bool) (Diff, error) {
	diff := Diff{}
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := in[k]
		switch {
		case k == "customFields":
			m, ok := v.(map[string]any)
			if !ok && v != nil {
				return nil, Invalid(k, CodeInvalidType, "expected an object, got %s", describe(v))
			}
			ck := sortedKeys(m)
			for _, name := range ck {
				if err := s.applyCustom(r, name, m[name], diff); err != nil {
					return nil, err
				}
			}
		case len(s.Object.Composite(k)) > 0:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, Invalid(k, CodeInvalidType, "expected an object with %s, got %s", subNames(s.Object.Composite(k)), describe(v))
			}
			for _, sub := range sortedKeys(m) {
				f, ok := s.Object.Field(k + "." + sub)
				if !ok {
					return nil, Invalid(k+"."+sub, CodeUnknownField, "%s has no sub-field %q (known: %s)", k, sub, subNames(s.Object.Composite(k)))
				}
				if err := s.applyField(r, f, m[sub], creating, diff); err != nil {
					return nil, err
				}
			}
		default:
			if f, ok := s.Object.Field(k); ok && f.Group() == "" {
				if err := s.applyField(r, f, v, creating, diff); err != nil {
					return nil, err
				}
				continue
			}
			if _, ok := s.Custom[k]; ok {
				if err := s.applyCustom(r, k, v, diff); err != nil {
					return nil, err
				}
				continue
			}
			return nil, Invalid(k, CodeUnknownField, "%s has no field %q", s.Object.Name, k)
		}
	}
	derive(r)
	return diff, nil
}

func (s *Schema) applyField(r Record, f *Field, v any, creating bool, diff Diff) error {
	if f.ReadOnly {
		if !(creating && f.Name == "id") {
			return Invalid(f.Name, CodeInvalidValue, "is read-only")
		}
		id, ok := v.(string)
		if _, err := uuid.Parse(id); !ok || err != nil {
			return Invalid("id", CodeInvalidValue, "%s is not a UUID", describe(v))
		}
		r.Meta().ID = strings.ToLower(id)
		return nil
	}
	before := f.Value(r)
	if err := f.set(r, v); err != nil {
		return err
	}
	if after := f.Value(r); !equalValues(before, after) {
		diff[f.Name] = Change{Before: before, After: after}
	}
	return nil
}

func (s *Schema) applyCustom(r Record, name string, v any, diff Diff) error {
	d, ok := s.Custom[name]
	if !ok {
		return Invalid(name, CodeUnknownField, "%s has no custom field %q", s.Object.Name, name)
	}
	norm, err := d.normalize(v)
	if err != nil {
		return err
	}
	m := r.Meta()
	before := m.CustomFields[name]
	if m.CustomFields == nil {
		m.CustomFields = map[string]any{}
	}
	if norm == nil {
		delete(m.CustomFields, name)
	} else {
		m.CustomFields[name] = norm
	}
	if !equalValues(before, norm) {
		diff[name] = Change{Before: before, After: norm}
	}
	return nil
}

// normalize validates a custom field value and returns it in its stored form:
// numbers as float64, date-times as fixed-width UTC strings (so they sort as
// text on both databases), composites as maps.
func (d *FieldDefinition) normalize(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	bad := func(want string) error {
		return Invalid(d.Name, CodeInvalidType, "expected %s, got %s", want, describe(v))
	}
	switch d.Type {
	case TypeText:
		s, ok := v.(string)
		if !ok {
			return nil, bad("a string")
		}
		if len(s) > maxTextLen {
			return nil, Invalid(d.Name, CodeInvalidValue, "is longer than %d bytes", maxTextLen)
		}
		return s, nil
	case TypeNumber:
		n, ok := toFloat(v)
		if !ok {
			return nil, bad("a number")
		}
		return n, nil
	case TypeBoolean:
		b, ok := v.(bool)
		if !ok {
			return nil, bad("a boolean")
		}
		return b, nil
	case TypeDateTime:
		t, ok := toTime(v)
		if !ok {
			return nil, bad("an ISO-8601 date-time")
		}
		return FormatCustomTime(t), nil
	case TypeSelect:
		s, ok := v.(string)
		if !ok {
			return nil, bad("a string")
		}
		if !d.hasOption(s) {
			return nil, Invalid(d.Name, CodeInvalidEnum, "%q is not one of %s", s, optionValues(d.Options))
		}
		return s, nil
	case TypeMultiSelect:
		list, ok := toStrings(v)
		if !ok {
			return nil, bad("a list of strings")
		}
		for _, s := range list {
			if !d.hasOption(s) {
				return nil, Invalid(d.Name, CodeInvalidEnum, "%q is not one of %s", s, optionValues(d.Options))
			}
		}
		out := make([]any, len(list))
		for i, s := range list {
			out[i] = s
		}
		return out, nil
	case TypeCurrency:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, bad("an object {amountMicros, currencyCode}")
		}
		out := map[string]any{}
		for k, x := range m {
			switch k {
			case "amountMicros":
				if x == nil {
					continue
				}
				n, ok := toInt64(x)
				if !ok {
					return nil, Invalid(d.Name+".amountMicros", CodeInvalidType, "expected an integer, got %s", describe(x))
				}
				out[k] = float64(n)
			case "currencyCode":
				s, ok := x.(string)
				if !ok {
					return nil, Invalid(d.Name+".currencyCode", CodeInvalidValue, "expected an ISO 4217 code as a string, got %s", describe(x))
				}
				code, err := NormalizeCurrencyCode(s)
				if err != nil {
					return nil, Invalid(d.Name+".currencyCode", CodeInvalidValue, "%s", err.Error())
				}
				out[k] = code
			default:
				return nil, Invalid(d.Name+"."+k, CodeUnknownField, "CURRENCY has no sub-field %q", k)
			}
		}
		return out, nil
	case TypeLinks:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, bad("an object {primaryLinkUrl, primaryLinkLabel}")
		}
		out := map[string]any{}
		for k, x := range m {
			if k != "primaryLinkUrl" && k != "primaryLinkLabel" {
				return nil, Invalid(d.Name+"."+k, CodeUnknownField, "LINKS has no sub-field %q", k)
			}
			s, ok := x.(string)
			if !ok && x != nil {
				return nil, Invalid(d.Name+"."+k, CodeInvalidType, "expected a string, got %s", describe(x))
			}
			out[k] = s
		}
		return out, nil
	}
	return nil, Invalid(d.Name, CodeInvalidValue, "unsupported custom field type %s", d.Type)
}

// CustomTimeLayout is how DATE_TIME custom values are stored.
const CustomTimeLayout = "2006-01-02T15:04:05.000Z"

// FormatCustomTime renders a DATE_TIME custom value.
func FormatCustomTime(t time.Time) string { return t.UTC().Format(CustomTimeLayout) }

// NormalizeCustomValue validates a custom filter operand like an input value.
func (d *FieldDefinition) NormalizeCustomValue(v any) (any, error) { return d.normalize(v) }

func optionValues(opts []FieldOption) string {
	vals := make([]string, len(opts))
	for i, o := range opts {
		vals[i] = o.Value
	}
	return strings.Join(vals, ", ")
}

func subNames(fs []*Field) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Sub()
	}
	return strings.Join(names, ", ")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func equalValues(a, b any) bool {
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	return reflect.DeepEqual(a, b)
}

// derive recomputes fields that are functions of others.
func derive(r Record) {
	if c, ok := r.(*Company); ok {
		c.DomainKey = DomainKey(c.DomainName.PrimaryLinkURL)
	}
}

// DomainKey normalises a company's domain for uniqueness and upserts:
// "https://www.Acme.com/about" and "acme.com" are the same company.
func DomainKey(raw string) string {
	s := strings.TrimSpace(strings.ToLower(raw))
	if s == "" {
		return ""
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" {
		return strings.TrimPrefix(strings.TrimSpace(strings.ToLower(raw)), "www.")
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}
