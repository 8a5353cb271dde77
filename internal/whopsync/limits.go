package whopsync

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

type netPrefix = netip.Prefix

func parseCIDRs(list []string) ([]*netPrefix, error) {
	var out []*netPrefix
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
		out = append(out, &p)
	}
	return out, nil
}

// allowedIP reports whether a webhook from remoteAddr passes the allowlist
// (an empty list allows everyone).
func (s *Service) allowedIP(remoteAddr string) bool {
	if len(s.allowed) == 0 {
		return true
	}
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.allowed {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
