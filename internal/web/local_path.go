package web

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxLocalPath bounds a redirect target; no page of ours needs more.
const maxLocalPath = 2048

// localPath reports whether s is safe to redirect to after an action
// (sign-in's next, the pipeline's back): a path on this site that no
// browser can read as another host. Browsers drop tabs and newlines
// anywhere in a URL and treat a backslash as a slash, so "/\t/evil.example"
// and "/\evil.example" both become "//evil.example", a link to another
// host; such strings are refused outright rather than cleaned, as are
// schemes, hosts, user info and invalid UTF-8.
func localPath(s string) bool {
	if len(s) > maxLocalPath || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || !utf8.ValidString(s) {
		return false
	}
	if strings.IndexFunc(s, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) >= 0 {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Opaque == "" && u.User == nil && u.Host == "" &&
		strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(u.Path, "//")
}
