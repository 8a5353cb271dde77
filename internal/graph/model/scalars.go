// Package model holds the GraphQL scalars and the Go types gqlgen generates
// for connections and edges. Records themselves are the crm types.
package model

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"
)

// MarshalUUID writes a UUID string.
func MarshalUUID(s string) graphql.Marshaler { return graphql.MarshalString(s) }

// UnmarshalUUID accepts a UUID in any case and returns it lower-cased, as
// the store keeps it.
func UnmarshalUUID(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("UUID must be a string")
	}
	if _, err := uuid.Parse(s); err != nil {
		return "", fmt.Errorf("%q is not a UUID", s)
	}
	return strings.ToLower(s), nil
}

// MarshalDateTime writes an RFC 3339 timestamp in UTC with the precision
// the store keeps (microseconds).
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.MarshalString(t.UTC().Format(time.RFC3339Nano))
}

// UnmarshalDateTime accepts an RFC 3339 string.
func UnmarshalDateTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("DateTime must be an RFC 3339 string")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 date-time", s)
	}
	return t.UTC(), nil
}

// MarshalJSON writes any JSON-encodable value (maps, lists, diffs).
func MarshalJSON(v any) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		b, err := json.Marshal(v)
		if err != nil {
			b = []byte("null")
		}
		_, _ = w.Write(b)
	})
}

// UnmarshalJSON accepts any value; Normalize turns its numbers into the
// types the crm parsers take.
func UnmarshalJSON(v any) (any, error) { return Normalize(v), nil }

// MarshalBigFloat writes an integer amount (amountMicros) as a JSON number.
func MarshalBigFloat(n int64) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { _, _ = io.WriteString(w, strconv.FormatInt(n, 10)) })
}

// UnmarshalBigFloat accepts an integer, an integral float or a string of
// digits, as Twenty's BigFloat does.
func UnmarshalBigFloat(v any) (int64, error) {
	n, ok := BigFloat(v)
	if !ok {
		return 0, fmt.Errorf("BigFloat must be an integer or a string of digits")
	}
	return n, nil
}

// BigFloat converts a BigFloat value as it arrives (number, json.Number or
// string) to an int64.
func BigFloat(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case float64:
		if n != float64(int64(n)) {
			return 0, false
		}
		return int64(n), true
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i, true
		}
		f, err := n.Float64()
		if err != nil || f != float64(int64(f)) {
			return 0, false
		}
		return int64(f), true
	case string:
		i, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
		return i, err == nil
	}
	return 0, false
}

// MarshalJSONMap writes an object (customFields, properties).
func MarshalJSONMap(m map[string]any) graphql.Marshaler { return MarshalJSON(m) }

// UnmarshalJSONMap accepts an object.
func UnmarshalJSONMap(v any) (map[string]any, error) {
	m, ok := Normalize(v).(map[string]any)
	if !ok && v != nil {
		return nil, fmt.Errorf("expected a JSON object")
	}
	return m, nil
}

// MarshalJSONList writes a list (additionalPhones, secondaryLinks).
func MarshalJSONList(l []any) graphql.Marshaler { return MarshalJSON(l) }

// UnmarshalJSONList accepts a list.
func UnmarshalJSONList(v any) ([]any, error) {
	l, ok := Normalize(v).([]any)
	if !ok && v != nil {
		return nil, fmt.Errorf("expected a JSON list")
	}
	return l, nil
}

// MarshalDate writes a day as ISO "YYYY-MM-DD" (UTC).
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.MarshalString(t.UTC().Format(time.DateOnly))
}

// UnmarshalDate accepts an ISO day "YYYY-MM-DD", read as UTC.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("Date must be a string YYYY-MM-DD")
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date YYYY-MM-DD", s)
	}
	return t, nil
}
