package netguard

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// CheckURL tells early, without any network access, whether raw is a URL a
// guarded client would refuse: not absolute http or https, no host, an
// ambiguous numeric host, or (unless allowPrivate) a literal address or a
// "localhost" name in a protected range. Forms use it to answer "this URL
// cannot work" when it is saved; a name that resolves to a protected
// address passes here and is refused when dialled. Errors wrap ErrBlocked.
func CheckURL(raw string, allowPrivate bool) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("netguard: not a URL: %w", ErrBlocked)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("netguard: the URL must start with http:// or https://: %w", ErrBlocked)
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("netguard: the URL has no host: %w", ErrBlocked)
	}
	if ambiguousNumericHost(host) {
		return nil, fmt.Errorf("netguard: host %q is a numeric address in a non-standard form: %w", host, ErrBlocked)
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		if reason := blockReason(addr, allowPrivate); reason != "" {
			return nil, fmt.Errorf("netguard: %s is a %s: %w", host, reason, ErrBlocked)
		}
		return u, nil
	}
	name := strings.ToLower(strings.TrimSuffix(host, "."))
	if !allowPrivate && (name == "localhost" || strings.HasSuffix(name, ".localhost")) {
		return nil, fmt.Errorf("netguard: %s is this machine: %w", host, ErrBlocked)
	}
	return u, nil
}
