package web

import (
	"testing"
	"time"
)

func TestAgo(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "just now"},
		{59 * time.Second, "just now"},
		{time.Minute, "1 minute ago"},
		{59 * time.Minute, "59 minutes ago"},
		{time.Hour, "1 hour ago"},
		{23*time.Hour + 59*time.Minute, "23 hours ago"},
		{24 * time.Hour, "1 day ago"},
		{29 * 24 * time.Hour, "29 days ago"},
		{30 * 24 * time.Hour, "1 month ago"},
		{364 * 24 * time.Hour, "12 months ago"},
		{400 * 24 * time.Hour, "1 year ago"},
		{-time.Hour, "just now"}, // a clock a little ahead of the database's
	}
	for _, tt := range tests {
		if got := ago(now, now.Add(-tt.d)); got != tt.want {
			t.Errorf("ago(%v) = %q; want %q", tt.d, got, tt.want)
		}
	}
}

func TestDetailText(t *testing.T) {
	t.Parallel()
	long := make([]rune, 300)
	for i := range long {
		long[i] = 'é'
	}
	tests := []struct {
		v    any
		want string
	}{
		{"admin", "admin"},
		{float64(3), "3"},
		{[]any{"a", "b"}, `["a","b"]`},
		{map[string]any{"x": 1}, `{"x":1}`},
		{nil, "none"},
		{string(long), string(long[:200]) + "…"},
	}
	for _, tt := range tests {
		if got := detailText(tt.v); got != tt.want {
			t.Errorf("detailText(%v) = %q; want %q", tt.v, got, tt.want)
		}
	}
}
