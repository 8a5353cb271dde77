package web

import (
	"strings"
	"testing"
)

// localPathAttacks are redirect targets that a browser would send to
// another host (or that are not a plain path at all).
var localPathAttacks = []string{
	"", "evil.example", "//evil.example", "///evil.example", "////evil.example/x",
	"/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example",
	"/\x00/evil.example", "/\x7f/evil.example", "/\u0085/evil.example", "/x\x1b",
	"/\\evil.example", "/\\/evil.example", "\\\\evil.example", "/x\\y",
	"https://evil.example", "http:evil.example", "https:/evil.example", "javascript:alert(1)",
	"data:text/html,x", " /x", "/%2F/evil.example", "/%2f%2fevil.example",
	"/\xff/evil.example", "/" + strings.Repeat("a", maxLocalPath),
}

func TestLocalPath(t *testing.T) {
	for _, s := range localPathAttacks {
		if localPath(s) {
			t.Errorf("localPath(%q) = true; want false", s)
		}
	}
	for _, s := range []string{"/", "/people", "/people?view=v1&sort=name", "/opportunities/0190-ab#notes",
		"/search?q=a%2Fb", "/search?next=//evil.example", "/people/%09", "/a/b/../c", "/Müller"} {
		if !localPath(s) {
			t.Errorf("localPath(%q) = false; want true", s)
		}
	}
}
