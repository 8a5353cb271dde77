package audit_test

import (
	"testing"

	"github.com/roster-crm/roster/internal/audit"
)

func TestBrowserFamily(t *testing.T) {
	t.Parallel()
	tests := []struct{ ua, want string }{
		{"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Windows"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari on macOS"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iOS"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1", "Chrome on iOS"},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android"},
		{"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36", "Samsung Internet on Android"},
		{"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on ChromeOS"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/114.0.0.0", "Opera on Windows"},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "Chrome on Linux"},
		{"curl/8.5.0", "curl"},
		{"Go-http-client/1.1", "go-http-client"},
		{"python-requests/2.32.3", "python-requests"},
		{"Mozilla/5.0", "Unknown"},
		{"", "Unknown"},
		{"\x00\xff<script>", "Unknown"},
	}
	for _, tt := range tests {
		if got := audit.BrowserFamily(tt.ua); got != tt.want {
			t.Errorf("BrowserFamily(%q) = %q; want %q", tt.ua, got, tt.want)
		}
	}
}

func TestPlaceOf(t *testing.T) {
	t.Parallel()
	firefox := "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	tests := []struct {
		ip, wantNetwork string
		ok              bool
	}{
		{"203.0.113.77", "203.0.113.0/24", true},
		{"::ffff:203.0.113.77", "203.0.113.0/24", true},
		{"2001:db8:abcd:12:34::1", "2001:db8:abcd::/48", true},
		{"fe80::1%eth0", "fe80::/48", true},
		{"", "", false},
		{"not an address", "", false},
	}
	for _, tt := range tests {
		p, ok := audit.PlaceOf(audit.Origin{IP: tt.ip, UserAgent: firefox})
		if ok != tt.ok || p.Network != tt.wantNetwork {
			t.Errorf("PlaceOf(%q) = %+v, %v; want network %q, %v", tt.ip, p, ok, tt.wantNetwork, tt.ok)
		}
		if ok && p.Browser != "Firefox on Linux" {
			t.Errorf("PlaceOf(%q).Browser = %q; want Firefox on Linux", tt.ip, p.Browser)
		}
	}
}

func TestPlaceKey(t *testing.T) {
	t.Parallel()
	place := func(ip, ua string) audit.Place {
		p, ok := audit.PlaceOf(audit.Origin{IP: ip, UserAgent: ua})
		if !ok {
			t.Fatalf("PlaceOf(%q) not ok", ip)
		}
		return p
	}
	ff133 := "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	ff134 := "Mozilla/5.0 (X11; Linux x86_64; rv:134.0) Gecko/20100101 Firefox/134.0"
	chrome := "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	base := place("198.51.100.7", ff133).Key("user-1")
	same := []audit.Place{place("198.51.100.200", ff133), place("198.51.100.7", ff134)}
	for _, p := range same {
		if p.Key("user-1") != base {
			t.Errorf("Key(%+v) differs from the same network and family", p)
		}
	}
	differ := map[string]string{
		"another /24":      place("198.51.101.7", ff133).Key("user-1"),
		"another browser":  place("198.51.100.7", chrome).Key("user-1"),
		"another user":     place("198.51.100.7", ff133).Key("user-2"),
		"another /48 (v6)": place("2001:db8:1::1", ff133).Key("user-1"),
	}
	for what, k := range differ {
		if k == base {
			t.Errorf("Key of %s = the base key; want a different place", what)
		}
	}
	if len(base) != 64 || base == "198.51.100.0/24" {
		t.Errorf("Key = %q; want a hex SHA-256, not the network", base)
	}
}

func TestOriginOf(t *testing.T) {
	t.Parallel()
	long := string(make([]byte, 2000))
	tests := []struct {
		addr, ua string
		want     audit.Origin
	}{
		{"203.0.113.9:51234", "curl/8", audit.Origin{IP: "203.0.113.9", UserAgent: "curl/8"}},
		{"[2001:db8::1]:443", "", audit.Origin{IP: "2001:db8::1"}},
		{"pipe", "x", audit.Origin{IP: "pipe", UserAgent: "x"}},
	}
	for _, tt := range tests {
		if got := audit.OriginOf(tt.addr, tt.ua); got != tt.want {
			t.Errorf("OriginOf(%q, %q) = %+v; want %+v", tt.addr, tt.ua, got, tt.want)
		}
	}
	if got := audit.OriginOf("1.2.3.4:5", long+"é"); len(got.UserAgent) != 512 {
		t.Errorf("OriginOf(a 2 KB user-agent) kept %d bytes; want 512", len(got.UserAgent))
	}
	if got := audit.OriginOf("1.2.3.4:5", string(make([]byte, 511))+"é"); len(got.UserAgent) != 511 {
		t.Errorf("OriginOf cut a character in half: %d bytes; want 511", len(got.UserAgent))
	}
}
