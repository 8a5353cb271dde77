package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"
	"github.com/roster-crm/roster/internal/browsertest"
)

// fixture serves a small page per path: /form has labelled controls and a
// live region driven by a script; /bad breaks WCAG and the 360 px layout.
func fixture(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Fixture</title>
<style>@media (prefers-color-scheme: dark) { body { background: #000; color: #fff } }</style></head>
<body><main><h1>Fixture</h1>%s</main></body></html>`, body)
		}
	}
	mux.HandleFunc("/form", page(`
<form method="get" action="/done">
  <label for="who">Your name</label> <input id="who" name="who">
  <button type="submit">Send</button>
</form>
<button type="button" id="count">Count</button>
<div role="status" aria-live="polite" id="live"></div>
<script>
  let n = 0;
  document.getElementById("count").addEventListener("click", () => { document.getElementById("live").textContent = "Counted " + (++n); });
  document.getElementById("who").addEventListener("keydown", e => { if (e.key === "ArrowRight" && e.shiftKey === false && e.target.value === "") document.getElementById("live").textContent = "Arrow"; });
</script>`))
	mux.HandleFunc("/done", func(w http.ResponseWriter, r *http.Request) {
		page(`<p id="greeting">Hello `+strings.ReplaceAll(r.URL.Query().Get("who"), "<", "")+`</p>
<div class="table-wrap" style="overflow-x:auto"><table><caption>Wide</caption><tr><th scope="col" style="min-width:900px">Wide but contained</th></tr></table></div>`)(w, r)
	})
	mux.HandleFunc("/bad", page(`<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input id="nolabel"><div style="width:900px">too wide</div>`))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestPage(t *testing.T) {
	srv := fixture(t)
	b := browsertest.Start(t)
	p := b.NewPage(t, srv.URL)

	p.Navigate("/form")
	p.Click(browsertest.Label("Count"))
	p.Click(browsertest.Label("Count"))
	if got := p.WaitText(browsertest.CSS("#live"), "Counted 2"); got != "Counted 2" {
		t.Errorf("live region = %q; want %q", got, "Counted 2")
	}
	p.Press(browsertest.Label("Your name"), kb.ArrowRight)
	p.WaitText(browsertest.CSS("#live"), "Arrow")
	p.Type(browsertest.Label("Your name"), "Ada")
	browsertest.Axe(t, p)
	p.ClickNav(browsertest.Label("Send"))
	if got, want := p.Path(), "/done?who=Ada"; got != want {
		t.Errorf("after submit Path() = %q; want %q", got, want)
	}
	if got := p.Text(browsertest.CSS("#greeting")); got != "Hello Ada" {
		t.Errorf("greeting = %q; want %q", got, "Hello Ada")
	}
	// Wide content inside .table-wrap does not count as page overflow.
	files := p.Screenshot("browsertest-fixture")
	for _, w := range browsertest.Widths {
		st, err := os.Stat(files[w])
		if err != nil || st.Size() < 100 {
			t.Errorf("screenshot at %d px: %v, %v; want a PNG", w, st, err)
		}
	}
	if got := p.Fetch("/done?who=Bo"); got.Status != 200 || !strings.Contains(got.Body, "Hello Bo") {
		t.Errorf("Fetch = %d %q; want 200 with Hello Bo", got.Status, got.Body)
	}
	p.ColorScheme(true)
	if !browsertest.Eval[bool](p, `matchMedia("(prefers-color-scheme: dark)").matches`) {
		t.Error("ColorScheme(true): prefers-color-scheme is not dark")
	}
}

// TestChecksFail proves the checks can fail: the bad page has an image
// without alt text, an unlabelled input and a layout wider than a phone.
func TestChecksFail(t *testing.T) {
	srv := fixture(t)
	b := browsertest.Start(t)
	p := b.NewPage(t, srv.URL)
	p.Navigate("/bad")
	ids := map[string]bool{}
	for _, v := range browsertest.AxeViolations(t, p) {
		ids[v.ID] = true
	}
	for _, want := range []string{"image-alt", "label"} {
		if !ids[want] {
			t.Errorf("axe violations = %v; want %s among them", ids, want)
		}
	}
	ft := &fakeT{TB: t}
	p.T(ft).NoHorizontalScroll()
	// The check only fires at a phone width; Screenshot sets it.
	if ft.failed {
		t.Error("NoHorizontalScroll failed at 1280 px; want it to pass (900 px fits)")
	}
	p.T(ft).Screenshot("browsertest-bad")
	if !ft.failed || !strings.Contains(ft.msg, "scrolls sideways") {
		t.Errorf("Screenshot at 360 px of a 900 px wide page: failed=%v %q; want a sideways-scroll failure", ft.failed, ft.msg)
	}
}

// fakeT records Errorf instead of failing, to test the checks themselves.
type fakeT struct {
	testing.TB
	failed bool
	msg    string
}

func (f *fakeT) Errorf(format string, args ...any) {
	f.failed = true
	f.msg = fmt.Sprintf(format, args...)
}
