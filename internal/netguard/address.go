package netguard

import (
	"net/netip"
	"strconv"
	"strings"
)

// blockedPrefixes are the ranges no user-chosen request may reach unless the
// operator allows private networks. netip's own predicates cover loopback,
// link-local, RFC 1918 / ULA, unspecified and multicast; these are the ranges
// it has no predicate for.
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network": 0.x reaches the local host on Linux
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT (RFC 6598)
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking networks
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, includes 255.255.255.255
	netip.MustParsePrefix("::/96"),          // IPv4-compatible IPv6 (deprecated), reaches IPv4 hosts
	netip.MustParsePrefix("64:ff9b::/96"),   // NAT64: the embedded IPv4 address is the real target
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("2002::/16"),      // 6to4: embeds an IPv4 address
	netip.MustParsePrefix("2001::/32"),      // Teredo: embeds an IPv4 address
	netip.MustParsePrefix("fec0::/10"),      // site-local (deprecated), still routed internally by some
	netip.MustParsePrefix("100::/64"),       // discard-only
}

// metadataAddrs are the cloud instance metadata services. They hand out
// credentials of the machine Roster runs on, so they are refused even when
// private networks are allowed.
var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("169.254.169.254"), // AWS, GCP, Azure, DigitalOcean, OpenStack
	netip.MustParseAddr("169.254.170.2"),   // AWS ECS task metadata
	netip.MustParseAddr("fd00:ec2::254"),   // AWS IMDS over IPv6
	netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
}

// blockReason says why addr may not be dialled, or "" when it may. It looks
// through IPv4-mapped IPv6 (::ffff:127.0.0.1 is 127.0.0.1).
func blockReason(addr netip.Addr, allowPrivate bool) string {
	addr = addr.Unmap().WithZone("")
	for _, m := range metadataAddrs {
		if addr == m {
			return "cloud metadata address"
		}
	}
	if allowPrivate {
		return ""
	}
	switch {
	case !addr.IsValid():
		return "invalid address"
	case addr.IsUnspecified():
		return "unspecified address"
	case addr.IsLoopback():
		return "loopback address"
	case addr.IsLinkLocalUnicast(), addr.IsLinkLocalMulticast():
		return "link-local address"
	case addr.IsPrivate():
		return "private address"
	case addr.IsMulticast(), addr.IsInterfaceLocalMulticast():
		return "multicast address"
	}
	for _, p := range blockedPrefixes {
		if p.Contains(addr) {
			return "reserved address " + p.String()
		}
	}
	return ""
}

// ambiguousNumericHost reports whether host is a number-only spelling that is
// not a canonical dotted-quad IPv4 address: a single decimal or hex integer,
// fewer than four parts, or parts in octal or hex. Go's resolver treats such a
// name as a DNS name, but inet_aton (and so the C resolver, curl and browsers)
// reads it as an address, so it is refused rather than guessed at.
func ambiguousNumericHost(host string) bool {
	if host == "" || strings.Contains(host, ":") {
		return false // IPv6 literals are parsed strictly by netip
	}
	host = strings.TrimSuffix(host, ".")
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return false
	}
	for _, p := range parts {
		if !isNumericPart(p) {
			return false
		}
	}
	// Every part is numeric: only a canonical a.b.c.d is unambiguous.
	_, err := netip.ParseAddr(host)
	return err != nil || len(parts) != 4
}

// isNumericPart reports whether p is a decimal, octal (leading 0) or hex
// (leading 0x) number as inet_aton accepts it.
func isNumericPart(p string) bool {
	if p == "" {
		return false
	}
	lp := strings.ToLower(p)
	if strings.HasPrefix(lp, "0x") {
		_, err := strconv.ParseUint(lp[2:], 16, 64)
		return err == nil || lp == "0x"
	}
	_, err := strconv.ParseUint(lp, 10, 64)
	return err == nil
}
