package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strings"
)

// Place is where a sign-in came from, as coarsely as telling a new place
// from a known one needs:
//
//   - Network is the address's network: the /24 of an IPv4 address
//     ("203.0.113.0/24"), the /48 of an IPv6 one (a site's prefix; the
//     lower bits change with privacy addresses and between devices of one
//     home). An IPv4 address written as IPv6 (::ffff:a.b.c.d) counts as
//     IPv4.
//   - Browser is the user-agent's family: the browser and the operating
//     system without versions ("Firefox on Linux"), so an update does not
//     make a new place, or the first product name of a non-browser client
//     ("curl").
//
// A sign-in is from a new place when the user has signed in before and
// never from this (Network, Browser) pair, or not within the audit log's
// retention. Roster keeps, per user, only a hash of each pair (Key) and
// when it was first and last used; the log entry of a new place holds the
// network and family, and the request's address and user-agent like every
// entry.
type Place struct {
	Network string
	Browser string
}

// PlaceOf returns the place of a request's origin, or false when the
// origin has no usable address (work that no request started).
func PlaceOf(o Origin) (Place, bool) {
	addr, err := netip.ParseAddr(o.IP)
	if err != nil {
		return Place{}, false
	}
	addr = addr.Unmap().WithZone("")
	bits := 48
	if addr.Is4() {
		bits = 24
	}
	prefix, err := addr.Prefix(bits)
	if err != nil {
		return Place{}, false
	}
	return Place{Network: prefix.String(), Browser: BrowserFamily(o.UserAgent)}, true
}

// Key is the fingerprint of the place for one user, which is all Roster
// stores about it. The user's ID is part of it, so the same place of two
// users does not look alike in the table.
func (p Place) Key(userID string) string {
	sum := sha256.Sum256([]byte("roster sign-in place v1\x00" + userID + "\x00" + p.Network + "\x00" + p.Browser))
	return hex.EncodeToString(sum[:])
}

// String is the place as the log shows it.
func (p Place) String() string { return p.Browser + " from " + p.Network }

// BrowserFamily names a user-agent's browser and operating system without
// versions ("Chrome on Android"), or for other clients the first product
// name ("curl"); "Unknown" when the header says nothing usable. The checks
// run in an order that matters: Edge and Opera also say "Chrome", Chrome
// also says "Safari", iOS also says "Mac OS X" and Android "Linux".
func BrowserFamily(ua string) string {
	browser := ""
	switch {
	case containsAny(ua, "Edg/", "Edge/", "EdgA/", "EdgiOS/"):
		browser = "Edge"
	case containsAny(ua, "OPR/", "Opera"):
		browser = "Opera"
	case strings.Contains(ua, "SamsungBrowser/"):
		browser = "Samsung Internet"
	case containsAny(ua, "Firefox/", "FxiOS/"):
		browser = "Firefox"
	case containsAny(ua, "Chrome/", "CriOS/", "Chromium/"):
		browser = "Chrome"
	case strings.Contains(ua, "Safari/"):
		browser = "Safari"
	}
	if browser == "" {
		return productName(ua)
	}
	os := ""
	switch {
	case strings.Contains(ua, "Windows"):
		os = "Windows"
	case containsAny(ua, "iPhone", "iPad", "iPod"):
		os = "iOS"
	case strings.Contains(ua, "Android"):
		os = "Android"
	case strings.Contains(ua, "CrOS"):
		os = "ChromeOS"
	case containsAny(ua, "Macintosh", "Mac OS X"):
		os = "macOS"
	case strings.Contains(ua, "Linux"):
		os = "Linux"
	}
	if os == "" {
		return browser
	}
	return browser + " on " + os
}

// productName is the name of a user-agent's first product token ("curl"
// of "curl/8.5.0"), lower-cased; "Unknown" unless it is a plain name of at
// most 32 letters, digits, dots, dashes and underscores (a header can say
// anything, and this text reaches the log).
func productName(ua string) string {
	name, _, _ := strings.Cut(strings.TrimSpace(ua), "/")
	name = strings.ToLower(name)
	if name == "" || name == "mozilla" || len(name) > 32 {
		return "Unknown"
	}
	for _, c := range name {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '_' && c != '.' {
			return "Unknown"
		}
	}
	return name
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
