package whop

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Time is a Whop timestamp. The v1 API sends ISO-8601 strings
// ("2026-03-14T17:02:11.123Z"); legacy v2/v5 payloads and some older v1
// responses send unix seconds. Both decode; null or "" decodes to the zero
// Time, so optional timestamps need no pointer (test with IsZero).
type Time struct{ time.Time }

// UnmarshalJSON accepts an ISO-8601 string, a unix-seconds number (integer or
// fractional), a numeric string, or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		return t.parseString(s)
	}
	return t.parseUnix(string(b))
}

func (t *Time) parseString(s string) error {
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	if s[0] >= '0' && s[0] <= '9' && !strings.ContainsAny(s, "-T:") {
		return t.parseUnix(s)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return fmt.Errorf("whop: timestamp %q is neither ISO-8601 nor unix seconds", s)
}

func (t *Time) parseUnix(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("whop: timestamp %q is neither ISO-8601 nor unix seconds", s)
	}
	sec := int64(f)
	nsec := int64((f - float64(sec)) * 1e9)
	t.Time = time.Unix(sec, nsec).UTC()
	return nil
}

// MarshalJSON writes the v1 form (ISO-8601, millisecond precision, UTC) or
// null for the zero Time.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + formatTime(t.Time) + `"`), nil
}

// formatTime renders a time the way Whop's v1 API writes them; it is also how
// the client sends created_after/updated_after filters.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
