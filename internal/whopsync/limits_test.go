package whopsync

import (
	"net/netip"
	"strings"
	"testing"
)

// TestWebhookAllowlist: entries are CIDRs or single addresses (blanks
// skipped); a webhook passes when its sender's address falls in one, an
// empty list lets everyone in, and an unknown sender passes no list.
func TestWebhookAllowlist(t *testing.T) {
	for _, tc := range []struct {
		name    string
		list    []string
		remote  netip.Addr
		allowed bool
	}{
		{"empty list allows all", nil, netip.MustParseAddr("203.0.113.9"), true},
		{"empty list allows an unknown sender", nil, netip.Addr{}, true},
		{"inside a CIDR", []string{"203.0.113.0/24"}, netip.MustParseAddr("203.0.113.9"), true},
		{"outside every CIDR", []string{"203.0.113.0/24", "10.0.0.0/8"}, netip.MustParseAddr("198.51.100.1"), false},
		{"inside the second CIDR", []string{"203.0.113.0/24", "10.0.0.0/8"}, netip.MustParseAddr("10.20.30.40"), true},
		{"a single address", []string{" 198.51.100.7 "}, netip.MustParseAddr("198.51.100.7"), true},
		{"a neighbour of a single address", []string{"198.51.100.7"}, netip.MustParseAddr("198.51.100.8"), false},
		{"IPv4-mapped IPv6 peer", []string{"203.0.113.0/24"}, netip.MustParseAddr("::ffff:203.0.113.5"), true},
		{"IPv6 CIDR", []string{"2001:db8::/32"}, netip.MustParseAddr("2001:db8::1"), true},
		{"IPv6 outside the CIDR", []string{"2001:db8::/32"}, netip.MustParseAddr("2001:db9::1"), false},
		{"unknown sender", []string{"203.0.113.0/24"}, netip.Addr{}, false},
		{"blank entries only", []string{"", "  "}, netip.MustParseAddr("198.51.100.1"), true},
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
