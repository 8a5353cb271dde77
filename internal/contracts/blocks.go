package contracts

import "strings"

// Block is one block of a contract's text: a heading (Level 1-3), a
// bullet item or a paragraph. The PDF and the signing page both draw the
// document from these, so what a signer reads is what the PDF holds.
type Block struct {
	// Kind is "heading", "item" or "paragraph".
	Kind  string
	Level int
	Text  string
}

// Blocks splits merged markdown into blocks: # headings, - or * bullet
// items, paragraphs separated by blank lines. Emphasis markers are
// dropped; the words are what a contract is made of.
func Blocks(text string) []Block {
	var out []Block
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, Block{Kind: "paragraph", Text: plain(strings.Join(para, " "))})
			para = nil
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flush()
		case strings.HasPrefix(t, "#"):
			flush()
			level := min(len(t)-len(strings.TrimLeft(t, "#")), 3)
			out = append(out, Block{Kind: "heading", Level: level, Text: plain(strings.TrimSpace(strings.TrimLeft(t, "#")))})
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* "):
			flush()
			out = append(out, Block{Kind: "item", Text: plain(t[2:])})
		default:
			para = append(para, t)
		}
	}
	flush()
	return out
}

// plain drops markdown emphasis.
func plain(s string) string {
	return strings.NewReplacer("**", "", "__", "", "`", "").Replace(s)
}
