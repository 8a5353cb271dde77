package whopsync

import (
	"strings"
	"testing"
)

// TestWebhookAllowlist: entries are CIDRs or single addresses (blanks
// skipped); a webhook passes when its remote address falls in one, an empty
// list lets everyone in, and an address that cannot be parsed is refused.
func TestWebhookAllowlist(t *testing.T) {
	for _, tc := range []struct {
		name    string
		list    []string
		remote  string
		allowed bool
	}{
		{"empty list allows all", nil, "203.0.113.9:443", true},
		{"inside a CIDR", []string{"203.0.113.0/24"}, "203.0.113.9:443", true},
		{"outside every CIDR", []string{"203.0.113.0/24", "10.0.0.0/8"}, "198.51.100.1:443", false},
		{"a single address", []string{" 198.51.100.7 "}, "198.51.100.7:1234", true},
		{"a neighbour of a single address", []string{"198.51.100.7"}, "198.51.100.8:1234", false},
		{"IPv4-mapped IPv6 peer", []string{"203.0.113.0/24"}, "[::ffff:203.0.113.5]:443", true},
		{"IPv6 CIDR", []string{"2001:db8::/32"}, "[2001:db8::1]:443", true},
		{"remote without a port", []string{"203.0.113.0/24"}, "203.0.113.9", true},
		{"unparsable remote", []string{"203.0.113.0/24"}, "not-an-ip:443", false},
		{"blank entries only", []string{"", "  "}, "198.51.100.1:443", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			allowed, err := parseCIDRs(tc.list)
			if err != nil {
				t.Fatalf("parseCIDRs(%q) = %v", tc.list, err)
			}
			s := &Service{allowed: allowed}
			if got := s.allowedIP(tc.remote); got != tc.allowed {
				t.Errorf("allowedIP(%q) with %q = %v; want %v", tc.remote, tc.list, got, tc.allowed)
			}
		})
	}
	for _, bad := range []string{"10.0.0.0/33", "example.com", "10.0.0"} {
		_, err := parseCIDRs([]string{"10.0.0.0/8", bad})
		if err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("parseCIDRs(%q) = %v; want an error naming the entry", bad, err)
		}
		if _, err := New(Config{AllowedWebhookCIDRs: []string{bad}}); err == nil {
			t.Errorf("New() with allowlist entry %q = nil error; want it refused", bad)
		}
	}
}
