package crm

import (
	"encoding/json"
	"fmt"
	"math"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Value returns the field's value in r, dereferenced: a string, int64,
// float64, bool, time.Time, []string, []any, or nil for an empty nullable.
func (f *Field) Value(r Record) any {
	switch p := f.Ptr(r).(type) {
	case *string:
		return *p
	case **string:
		if *p == nil {
			return nil
		}
		return **p
	case **int64:
		if *p == nil {
			return nil
		}
		return **p
	case *float64:
		return *p
	case **float64:
		if *p == nil {
			return nil
		}
		return **p
	case *bool:
		return *p
	case *time.Time:
		return *p
	case **time.Time:
		if *p == nil {
			return nil
		}
		return **p
	case *[]string:
		return *p
	case *[]any:
		return *p
	}
	panic(fmt.Sprintf("crm: field %s has unsupported pointer %T", f.Name, f.Ptr(r)))
}

// set converts an input value (from JSON or GraphQL) and stores it in r.
func (f *Field) set(r Record, v any) error {
	bad := func(want string) error {
		return Invalid(f.Name, CodeInvalidType, "expected %s, got %s", want, describe(v))
	}
	if v == nil && !f.Nullable && f.Kind != KindText && f.Kind != KindEmail {
		return Invalid(f.Name, CodeInvalidValue, "cannot be null")
	}
	switch p := f.Ptr(r).(type) {
	case *string:
		s, ok := v.(string)
		if v == nil {
			s, ok = "", true
		}
		if !ok {
			return bad("a string")
		}
		if len(s) > maxTextLen {
			return Invalid(f.Name, CodeInvalidValue, "is longer than %d bytes", maxTextLen)
		}
		switch f.Kind {
		case KindEmail:
			e, err := normalizeEmail(s)
			if err != nil {
				return Invalid(f.Name, CodeInvalidValue, "%q is not a valid email address", s)
			}
			s = e
		case KindEnum:
			if !contains(f.Options, s) {
				return Invalid(f.Name, CodeInvalidEnum, "%q is not one of %s", s, strings.Join(f.Options, ", "))
			}
		}
		if f.normalize != nil {
			n, err := f.normalize(s)
			if err != nil {
				return Invalid(f.Name, CodeInvalidValue, "%s", err.Error())
			}
			s = n
		}
		*p = s
	case **string:
		if v == nil {
			*p = nil
			return nil
		}
		s, ok := v.(string)
		if !ok {
			return bad("a string")
		}
		if f.Kind == KindUUID {
			if _, err := uuid.Parse(s); err != nil {
				return Invalid(f.Name, CodeInvalidValue, "%q is not a UUID", s)
			}
			s = strings.ToLower(s)
		}
		if s == "" {
			*p = nil
			return nil
		}
		if len(s) > maxTextLen {
			return Invalid(f.Name, CodeInvalidValue, "is longer than %d bytes", maxTextLen)
		}
		*p = &s
	case **int64:
		if v == nil {
			*p = nil
			return nil
		}
		n, ok := toInt64(v)
		if !ok {
			return bad("an integer")
		}
		*p = &n
	case *float64:
		n, ok := toFloat(v)
		if !ok {
			return bad("a number")
		}
		*p = n
	case **float64:
		if v == nil {
			*p = nil
			return nil
		}
		n, ok := toFloat(v)
		if !ok {
			return bad("a number")
		}
		*p = &n
	case *bool:
		b, ok := v.(bool)
		if !ok {
			return bad("a boolean")
		}
		*p = b
	case **time.Time:
		if v == nil {
			*p = nil
			return nil
		}
		t, ok := toTime(v)
		if !ok {
			return bad("an ISO-8601 date-time")
		}
		*p = &t
	case *time.Time:
		t, ok := toTime(v)
		if !ok {
			return bad("an ISO-8601 date-time")
		}
		*p = t
	case *[]string:
		if v == nil {
			*p = nil
			return nil
		}
		list, ok := toStrings(v)
		if !ok {
			return bad("a list of strings")
		}
		if f.Kind == KindStringList && strings.HasSuffix(f.Name, "Emails") {
			for i, s := range list {
				e, err := normalizeEmail(s)
				if err != nil || e == "" {
					return Invalid(f.Name, CodeInvalidValue, "%q is not a valid email address", s)
				}
				list[i] = e
			}
		}
		*p = list
	case *[]any:
		if v == nil {
			*p = nil
			return nil
		}
		list, ok := toList(v)
		if !ok {
			return bad("a list")
		}
		*p = list
	default:
		panic(fmt.Sprintf("crm: field %s has unsupported pointer %T", f.Name, p))
	}
	return nil
}

const maxTextLen = 65536

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func normalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.IndexByte(s, '@')+1:], ".") {
		return "", fmt.Errorf("bad email")
	}
	return s, nil
}

// describe names the JSON type of v for error messages.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, float32, int, int32, int64, json.Number:
		return "a number"
	case []any, []string:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func toInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > 1<<53 {
			return 0, false
		}
		return int64(n), true
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, !math.IsNaN(n) && !math.IsInf(n, 0)
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

func toTime(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), true
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
			if p, err := time.Parse(layout, t); err == nil {
				return p.UTC(), true
			}
		}
	}
	return time.Time{}, false
}

func toStrings(v any) ([]string, bool) {
	switch l := v.(type) {
	case []string:
		return append([]string{}, l...), true
	case []any:
		out := make([]string, len(l))
		for i, x := range l {
			s, ok := x.(string)
			if !ok {
				return nil, false
			}
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

func toList(v any) ([]any, bool) {
	switch l := v.(type) {
	case []any:
		return l, true
	case []string:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out, true
	case []map[string]any:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

// ParseText converts a value written as text (a REST query string) to the
// Go type the field expects, so one filter compiler serves both APIs.
func ParseText(kind Kind, s string) (any, bool) {
	switch kind {
	case KindInt:
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	case KindFloat:
		n, err := strconv.ParseFloat(s, 64)
		return n, err == nil
	case KindBool:
		b, err := strconv.ParseBool(s)
		return b, err == nil
	case KindDateTime:
		return toTime(s)
	}
	return s, true
}

func v2t(v any) time.Time { t, _ := v.(time.Time); return t }
