package browsertest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Page is one browser tab bound to a test. Its methods fail the test on
// error, so a test reads as a list of steps.
type Page struct {
	t    testing.TB
	ctx  context.Context
	base string
	errs *pageErrors
	// Timeout bounds each step (a navigation, a wait, a click).
	Timeout time.Duration
	dark    bool
}

// T returns the page bound to another test (a subtest), so its failures are
// reported where they happen.
func (p *Page) T(t testing.TB) *Page {
	c := *p
	c.t = t
	return &c
}

// run runs one step under the page's timeout.
func (p *Page) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, p.Timeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("browser: %s on %s: %v", what, p.URL(), err)
	}
}

// URL resolves a path against the base URL.
func (p *Page) abs(path string) string {
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		return path
	}
	return strings.TrimRight(p.base, "/") + path
}

// Navigate loads path (relative to the base URL, or absolute) and waits for
// the page to load.
func (p *Page) Navigate(path string) {
	p.t.Helper()
	p.run("navigate to "+path, chromedp.Navigate(p.abs(path)))
}

// Reload reloads the page and waits for it to load.
func (p *Page) Reload() {
	p.t.Helper()
	p.run("reload", chromedp.Reload())
}

// URL is the tab's current address ("" when it cannot be read).
func (p *Page) URL() string {
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return ""
	}
	return loc
}

// Path is the path and query of the current address.
func (p *Page) Path() string {
	u, err := url.Parse(p.URL())
	if err != nil {
		return ""
	}
	return u.RequestURI()
}

// Selector picks one element: CSS("...") or Label("...").
type Selector interface {
	// css resolves the selector to a CSS selector for the element, waiting
	// for it to exist.
	css(ctx context.Context, t *chromedp.Target) (string, error)
	String() string
}

// CSS selects the first element matching a CSS selector.
type CSS string

func (s CSS) css(ctx context.Context, t *chromedp.Target) (string, error) {
	_, err := chromedp.WaitReady(chromedp.CSS(string(s)))(ctx, t)
	return string(s), err
}

func (s CSS) String() string { return "css " + string(s) }

// resolve turns a selector into CSS under the page's timeout.
func (p *Page) resolve(s Selector) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, p.Timeout)
	defer cancel()
	css, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (string, error) { return s.css(ctx, t) })
	if err != nil {
		p.t.Fatalf("browser: find %s on %s: %v", s, p.URL(), err)
	}
	return css
}

// Click clicks the element (scrolling it into view first). Use ClickNav when
// the click loads another page.
func (p *Page) Click(s Selector) {
	p.t.Helper()
	css := p.resolve(s)
	p.run("click "+s.String(), chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
}

// ClickNav clicks the element and waits for the page it leads to (a link, a
// form's submit button; a POST-redirect-GET lands on the final page).
func (p *Page) ClickNav(s Selector) {
	p.t.Helper()
	css := p.resolve(s)
	p.run("click "+s.String()+" and wait for the next page", func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))(ctx, t)
		return chromedp.Void{}, err
	})
}

// Type focuses the field and types text into it (after what it holds).
func (p *Page) Type(s Selector, text string) {
	p.t.Helper()
	css := p.resolve(s)
	p.run("type into "+s.String(), chromedp.SendKeys(chromedp.CSS(css), text, chromedp.NodeVisible))
}

// Fill replaces the field's value with text, typing it as a person would.
func (p *Page) Fill(s Selector, text string) {
	p.t.Helper()
	css := p.resolve(s)
	p.run("fill "+s.String(), chromedp.Clear(chromedp.CSS(css)), chromedp.SendKeys(chromedp.CSS(css), text, chromedp.NodeVisible))
}

// Select chooses the option with this value in a <select>.
func (p *Page) Select(s Selector, value string) {
	p.t.Helper()
	css := p.resolve(s)
	p.run("select "+value+" in "+s.String(), chromedp.SetValue(chromedp.CSS(css), value),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).dispatchEvent(new Event("change", {bubbles: true}))`, css)))
}

// Upload sets the files of an <input type="file">.
func (p *Page) Upload(s Selector, files ...string) {
	p.t.Helper()
	css := p.resolve(s)
	p.run("upload into "+s.String(), chromedp.SetUploadFiles(chromedp.CSS(css), files))
}

// Focus moves the keyboard focus to the element.
func (p *Page) Focus(s Selector) {
	p.t.Helper()
	css := p.resolve(s)
	p.run("focus "+s.String(), chromedp.Focus(chromedp.CSS(css)))
}

// Press focuses the element and sends keys to it: printable text or the
// kb package's named keys (kb.ArrowRight, kb.Enter, " " for Space...).
func (p *Page) Press(s Selector, keys string) {
	p.t.Helper()
	p.Focus(s)
	p.Keys(keys)
}

// Keys sends key presses to whatever has the focus.
func (p *Page) Keys(keys string) {
	p.t.Helper()
	p.run(fmt.Sprintf("press %q", keys), chromedp.KeyEvent(keys))
}

// Chord presses one key with modifiers held, such as Ctrl+K:
// p.Chord("k", chromedp.ModifierCtrl).
func (p *Page) Chord(key string, mods ...chromedp.Modifier) {
	p.t.Helper()
	p.run(fmt.Sprintf("press %q with modifiers %v", key, mods), chromedp.KeyEvent(key, chromedp.KeyModifiers(mods...)))
}

// WaitVisible waits until the element is rendered and visible.
func (p *Page) WaitVisible(s Selector) {
	p.t.Helper()
	css := p.resolve(s)
	p.run("wait for "+s.String()+" to be visible", chromedp.WaitVisible(chromedp.CSS(css)))
}

// Has reports whether an element matches the CSS selector now (no waiting).
func (p *Page) Has(css string) bool {
	p.t.Helper()
	return Eval[bool](p, fmt.Sprintf(`document.querySelector(%q) !== null`, css))
}

// Text is the element's rendered text (innerText), trimmed.
func (p *Page) Text(s Selector) string {
	p.t.Helper()
	css := p.resolve(s)
	return strings.TrimSpace(Eval[string](p, fmt.Sprintf(`document.querySelector(%q).innerText`, css)))
}

// WaitText waits until the element's text contains want and returns the
// text. It polls, so it sees live regions that update after an event.
func (p *Page) WaitText(s Selector, want string) string {
	p.t.Helper()
	deadline := time.Now().Add(p.Timeout)
	var last string
	for {
		ctx, cancel := context.WithTimeout(p.ctx, 2*time.Second)
		css, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (string, error) { return s.css(ctx, t) })
		if err == nil {
			last, err = chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q)||{}).innerText||""`, css)))
		}
		cancel()
		if err == nil && strings.Contains(last, want) {
			return strings.TrimSpace(last)
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("browser: %s on %s: text %q; want it to contain %q", s, p.URL(), last, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// WaitFor polls a JavaScript expression until it is true.
func (p *Page) WaitFor(what, js string) {
	p.t.Helper()
	deadline := time.Now().Add(p.Timeout)
	for {
		ctx, cancel := context.WithTimeout(p.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!(`+js+`)`))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("browser: waiting for %s on %s: gave up after %s (last error: %v)", what, p.URL(), p.Timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Eval evaluates a JavaScript expression in the page and decodes its JSON
// value into T. A promise is awaited.
func Eval[T any](p *Page, js string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, p.Timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("browser: evaluate %.80q on %s: %v", js, p.URL(), err)
	}
	return v
}

// Response is what Fetch got.
type Response struct {
	Status             int    `json:"status"`
	ContentType        string `json:"contentType"`
	ContentDisposition string `json:"contentDisposition"`
	Body               string `json:"body"`
}

// Fetch requests path from inside the page (with its cookies), the way a
// download link would, and returns the answer.
func (p *Page) Fetch(path string) Response {
	p.t.Helper()
	js := fmt.Sprintf(`fetch(%q, {credentials: "same-origin"}).then(async r => ({status: r.status,
		contentType: r.headers.get("content-type") || "", contentDisposition: r.headers.get("content-disposition") || "",
		body: await r.text()}))`, path)
	return Eval[Response](p, js)
}

// Status is the HTTP status of the current document, read from the
// navigation timing entry.
func (p *Page) Status() int {
	p.t.Helper()
	return Eval[int](p, `(performance.getEntriesByType("navigation")[0] || {}).responseStatus || 0`)
}

var errNotFound = errors.New("no such element")
