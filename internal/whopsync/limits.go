package whopsync

import (
	"fmt"
	"net/netip"
	"strings"
)

// parseCIDRs reads the webhook allowlist: CIDRs or single addresses, blanks
// skipped. An entry that is neither is an error naming it.
func parseCIDRs(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, c := range list {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		p, err := netip.ParsePrefix(c)
		if err != nil {
			a, aerr := netip.ParseAddr(c)
			if aerr != nil {
				return nil, fmt.Errorf("whopsync: webhook allowlist entry %q is not an address or CIDR", c)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p)
	}
	return out, nil
}

// allowedIP reports whether a webhook from ip passes the allowlist (an
// empty list allows everyone; an unknown address passes no list).
func (s *Service) allowedIP(ip netip.Addr) bool {
	if len(s.allowed) == 0 {
		return true
	}
	ip = ip.Unmap()
	for _, p := range s.allowed {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
