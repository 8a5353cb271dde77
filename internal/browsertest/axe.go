package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// AxeTags are the rule sets every page must pass: WCAG 2.0 and 2.1, levels A
// and AA.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axePath is axe-core's browser bundle, installed by npm at the repository
// root (package.json; .ci/run runs npm ci).
const axePath = "node_modules/axe-core/axe.min.js"

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// loadAxe reads axe-core once per test binary, from the first
// node_modules/axe-core above the working directory.
func loadAxe(t testing.TB) string {
	t.Helper()
	axeOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			axeErr = err
			return
		}
		for d := dir; ; d = filepath.Dir(d) {
			b, err := os.ReadFile(filepath.Join(d, axePath))
			if err == nil {
				axeSource = string(b)
				return
			}
			if filepath.Dir(d) == d {
				axeErr = fmt.Errorf("no %s in %s or above it: run `npm ci` at the repository root (.ci/run does)", axePath, dir)
				return
			}
		}
	})
	if axeErr != nil {
		t.Fatalf("browsertest: axe-core: %v", axeErr)
	}
	return axeSource
}

// Violation is one axe-core rule a page breaks, with the elements that break
// it.
type Violation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// AxeViolations runs axe-core's WCAG 2.1 A/AA rules on the page as it is now
// and returns what it finds.
func AxeViolations(t testing.TB, p *Page) []Violation {
	t.Helper()
	src := loadAxe(t)
	ctx, cancel := context.WithTimeout(p.ctx, p.Timeout*3)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`if (!window.axe) {`+src+"\n}")); err != nil {
		t.Fatalf("browsertest: inject axe-core into %s: %v", p.URL(), err)
	}
	tags := `["` + strings.Join(AxeTags, `","`) + `"]`
	js := `axe.run(document, {runOnly: {type: "tag", values: ` + tags + `}, resultTypes: ["violations"]}).then(r =>
		r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 240),
				summary: (n.failureSummary || "").replace(/\s+/g, " ")}))})))`
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browsertest: axe.run on %s: %v", p.URL(), err)
	}
	return vs
}

// Axe fails the test when axe-core finds any WCAG 2.1 A/AA violation on the
// page, printing each rule, the offending elements and how to fix them.
func Axe(t testing.TB, p *Page) {
	t.Helper()
	vs := AxeViolations(t, p)
	if len(vs) == 0 {
		return
	}
	t.Errorf("axe: %s (%s scheme) has %d WCAG 2.1 A/AA violation(s); want none:\n%s", p.Path(), p.Scheme(), len(vs), FormatViolations(vs))
}

// FormatViolations renders violations for a test log.
func FormatViolations(vs []Violation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "  [%s] %s: %s (%s)\n", v.Impact, v.ID, v.Help, v.HelpURL)
		for i, n := range v.Nodes {
			if i == 5 {
				fmt.Fprintf(&b, "      ... and %d more\n", len(v.Nodes)-5)
				break
			}
			fmt.Fprintf(&b, "    - %s\n      %s\n      %s\n", n.Target, n.HTML, n.Summary)
		}
	}
	return b.String()
}
