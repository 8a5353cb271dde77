package whopsync

import "testing"

// TestInterval puts every billing period a plan can have in words.
func TestInterval(t *testing.T) {
	days := func(n int64) *int64 { return &n }
	for _, tc := range []struct {
		planType string
		days     *int64
		want     string
	}{
		{"one_time", nil, "one-time"},
		{"one_time", days(30), "one-time"},
		{"renewal", days(7), "weekly"},
		{"renewal", days(30), "monthly"},
		{"renewal", days(31), "monthly"},
		{"renewal", days(90), "quarterly"},
		{"renewal", days(365), "yearly"},
		{"renewal", days(14), "every 14 days"},
		{"renewal", days(0), ""},
		{"renewal", nil, ""},
	} {
		if got := interval(tc.planType, tc.days); got != tc.want {
			t.Errorf("interval(%q, %v) = %q; want %q", tc.planType, tc.days, got, tc.want)
		}
	}
}
