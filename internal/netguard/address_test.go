package netguard

import (
	"net/netip"
	"testing"
)

func TestBlockReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr               string
		blocked            bool // with AllowPrivate false
		blockedWhenAllowed bool // with AllowPrivate true
	}{
		{"127.0.0.1", true, false},
		{"127.255.255.254", true, false},
		{"::1", true, false},
		{"::ffff:127.0.0.1", true, false},
		{"::ffff:7f00:1", true, false},
		{"0.0.0.0", true, false},
		{"0.1.2.3", true, false},
		{"::", true, false},
		{"10.0.0.1", true, false},
		{"172.16.0.1", true, false},
		{"172.31.255.255", true, false},
		{"192.168.1.1", true, false},
		{"::ffff:192.168.1.1", true, false},
		{"100.64.0.1", true, false},
		{"100.127.255.255", true, false},
		{"169.254.1.1", true, false},
		{"fe80::1", true, false},
		{"fc00::1", true, false},
		{"fd12:3456::1", true, false},
		{"224.0.0.1", true, false},
		{"239.255.255.250", true, false},
		{"ff02::1", true, false},
		{"255.255.255.255", true, false},
		{"64:ff9b::7f00:1", true, false},
		{"2002:7f00:1::", true, false},
		{"::127.0.0.1", true, false},
		{"fec0::1", true, false},
		// Cloud metadata: refused even when private networks are allowed.
		{"169.254.169.254", true, true},
		{"::ffff:169.254.169.254", true, true},
		{"fd00:ec2::254", true, true},
		{"169.254.170.2", true, true},
		{"100.100.100.200", true, true},
		// Public addresses pass.
		{"93.184.216.34", false, false},
		{"8.8.8.8", false, false},
		{"172.32.0.1", false, false},
		{"100.128.0.1", false, false},
		{"2606:4700:4700::1111", false, false},
		{"::ffff:8.8.8.8", false, false},
	}
	for _, tt := range tests {
		addr := netip.MustParseAddr(tt.addr)
		if got := blockReason(addr, false) != ""; got != tt.blocked {
			t.Errorf("blockReason(%s, allowPrivate=false) blocked = %v; want %v", tt.addr, got, tt.blocked)
		}
		if got := blockReason(addr, true) != ""; got != tt.blockedWhenAllowed {
			t.Errorf("blockReason(%s, allowPrivate=true) blocked = %v; want %v", tt.addr, got, tt.blockedWhenAllowed)
		}
	}
}

func TestAmbiguousNumericHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host string
		want bool
	}{
		{"2130706433", true},      // 127.0.0.1 as one decimal
		{"0x7f000001", true},      // as one hex number
		{"0x7f.1", true},          // two-part with hex
		{"127.1", true},           // two-part shorthand
		{"127.0.1", true},         // three-part shorthand
		{"017700000001", true},    // octal
		{"0177.0.0.1", true},      // octal first part
		{"127.000.000.001", true}, // zero-padded
		{"0x7f.0x0.0x0.0x1", true},
		{"127.0.0.1", false}, // canonical: checked as an address at dial time
		{"8.8.8.8", false},
		{"example.com", false},
		{"1.example.com", false},
		{"123.example", false},
		{"0xdeadbeef.com", false},
		{"::1", false},
	}
	for _, tt := range tests {
		if got := ambiguousNumericHost(tt.host); got != tt.want {
			t.Errorf("ambiguousNumericHost(%q) = %v; want %v", tt.host, got, tt.want)
		}
	}
}
