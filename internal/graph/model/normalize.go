package model

import (
	"encoding/json"
	"strconv"
)

// Normalize converts a raw GraphQL input value — as gqlgen hands it to an
// input bound to map[string]any, i.e. literals (int64, float64, string for
// enums) or JSON variables (json.Number) — into plain JSON types the crm
// parsers accept: string, int64, float64, bool, nil, []any and
// map[string]any. A string under an "amountMicros" key is a BigFloat and
// becomes an int64 when it holds an integer.
func Normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x.String()
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case float32:
		return float64(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			e = Normalize(e)
			if k == "amountMicros" {
				e = digits(e)
			}
			out[k] = e
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Normalize(e)
		}
		return out
	case []map[string]any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Normalize(e)
		}
		return out
	}
	return v
}

// digits turns strings of digits into int64, inside filter operator maps
// and lists too ({"gt": "1000"}, {"in": ["1", "2"]}).
func digits(v any) any {
	switch x := v.(type) {
	case string:
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			return n
		}
	case map[string]any:
		for k, e := range x {
			x[k] = digits(e)
		}
	case []any:
		for i, e := range x {
			x[i] = digits(e)
		}
	}
	return v
}

// NormalizeMap is Normalize for an input object.
func NormalizeMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	return Normalize(m).(map[string]any)
}
