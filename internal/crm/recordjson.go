package crm

import (
	"sort"
	"time"
)

// RecordJSON renders a record in Twenty's REST shape (the REST API's
// bodies, outgoing webhooks' data.record), driven by the object
// metadata so it cannot drift from it: composites as nested objects,
// relations as IDs (companyId), timestamps in RFC 3339, and every custom
// field of the schema as an ordinary top-level key (null when unset).
func RecordJSON(s *Schema, r Record) map[string]any {
	out := make(map[string]any, len(s.Object.Fields)+len(s.Custom))
	for _, f := range s.Object.Fields {
		if f.Hidden {
			continue
		}
		v := jsonValue(f.Value(r))
		g := f.Group()
		if g == "" {
			out[f.Name] = v
			continue
		}
		m, _ := out[g].(map[string]any)
		if m == nil {
			m = map[string]any{}
			out[g] = m
		}
		m[f.Sub()] = v
	}
	values := r.Meta().CustomFields
	for _, name := range customNames(s) {
		out[name] = customValueJSON(s.Custom[name], values[name])
	}
	return out
}

func customNames(s *Schema) []string {
	names := make([]string, 0, len(s.Custom))
	for n := range s.Custom {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func jsonValue(v any) any {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format(time.RFC3339Nano)
	}
	return v
}

// customValueJSON renders a stored custom value: currency amounts are stored as
// JSON numbers (float64) but are integers in the API.
func customValueJSON(d *FieldDefinition, v any) any {
	if v == nil || d.Type != TypeCurrency {
		return v
	}
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{"amountMicros": nil, "currencyCode": m["currencyCode"]}
	if f, ok := m["amountMicros"].(float64); ok {
		out["amountMicros"] = int64(f)
	}
	return out
}
