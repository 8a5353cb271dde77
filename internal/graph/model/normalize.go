package model

import (
	"encoding/json"
	"reflect"
	"strconv"
	"time"
)

// Normalize converts a raw GraphQL input value — as gqlgen hands it to an
// input bound to map[string]any, i.e. literals (int64, float64, string for
// enums) or JSON variables (json.Number) — into plain JSON types the crm
// parsers accept: string, int64, float64, bool, time.Time, nil, []any and
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
	case nil, string, bool, int64, float64, time.Time:
		return v
	}
	// gqlgen unmarshals the typed fields of an input bound to a map with
	// their scalars' Go types: pointers for nullable fields (*string,
	// *int64, *time.Time) and typed slices ([]string, []*int64).
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		return Normalize(rv.Elem().Interface())
	case reflect.Slice:
		if rv.IsNil() {
			return nil
		}
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = Normalize(rv.Index(i).Interface())
		}
		return out
	case reflect.String: // enums and named string types
		return rv.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Float32, reflect.Float64:
		return rv.Float()
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
