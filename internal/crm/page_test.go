package crm

import (
	"errors"
	"testing"
)

func TestPageSize(t *testing.T) {
	for _, tc := range []struct {
		arg     string
		n, want int
		bad     bool
	}{
		{"first", 0, DefaultPageSize, false},
		{"first", 1, 1, false},
		{"last", MaxPageSize, MaxPageSize, false},
		{"last", MaxPageSize + 1, 0, true},
		{"limit", -1, 0, true},
	} {
		got, err := PageSize(tc.arg, tc.n)
		if tc.bad {
			var e *Error
			if !errors.As(err, &e) || e.Field != tc.arg {
				t.Errorf("PageSize(%q, %d) error = %v; want an error on %q", tc.arg, tc.n, err, tc.arg)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("PageSize(%q, %d) = %d, %v; want %d", tc.arg, tc.n, got, err, tc.want)
		}
	}
}
