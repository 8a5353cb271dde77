package mail

import (
	"html"
	"regexp"
	"strings"
)

// linkRE finds the two kinds of link RenderHTML turns into anchors:
// markdown's [text](url) and a bare http(s) URL. Only http, https and
// mailto targets become links, so a body cannot carry a javascript: URL.
var linkRE = regexp.MustCompile(`\[([^\]\n]{1,500})\]\(((?:https?://|mailto:)[^\s()<>"]+)\)|https?://[^\s<>"]+`)

// paragraphRE separates paragraphs: a line that is empty or only blanks.
var paragraphRE = regexp.MustCompile(`\n[ \t]*\n`)

// RenderHTML renders a plain-text (markdown-ish) body as a small HTML
// document: blank lines separate paragraphs, single newlines become <br>,
// links become anchors, and everything else is escaped. It is the only way
// user text becomes HTML here: no template engine ever sees that text.
func RenderHTML(body string) string {
	body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\r", "\n")
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html><body>\n")
	for _, para := range paragraphRE.Split(strings.TrimSpace(body), -1) {
		if para = strings.TrimSpace(para); para == "" {
			continue
		}
		b.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				b.WriteString("<br>\n")
			}
			inline(&b, line)
		}
		b.WriteString("</p>\n")
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

// inline writes one escaped line with its links.
func inline(b *strings.Builder, line string) {
	last := 0
	for _, m := range linkRE.FindAllStringSubmatchIndex(line, -1) {
		start, end := m[0], m[1]
		var text, href string
		if m[2] >= 0 {
			text, href = line[m[2]:m[3]], line[m[4]:m[5]]
		} else {
			// A bare URL does not take the sentence's closing punctuation.
			href = strings.TrimRight(line[start:end], ".,;:!?)'")
			end = start + len(href)
			text = href
		}
		b.WriteString(html.EscapeString(line[last:start]))
		b.WriteString(`<a href="` + html.EscapeString(href) + `">` + html.EscapeString(text) + `</a>`)
		last = end
	}
	b.WriteString(html.EscapeString(line[last:]))
}
