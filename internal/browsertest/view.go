package browsertest

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Widths are the viewport widths every screenshot is taken at: the
// narrowest phone Roster supports and a laptop.
var Widths = []int{360, 1280}

// viewport sets the layout width; 360 emulates a phone (the page's
// meta viewport applies), anything wider a desktop.
func (p *Page) viewport(width int) {
	p.t.Helper()
	var opts []chromedp.EmulateViewportOption
	if width < 800 {
		opts = append(opts, chromedp.EmulateMobile)
	}
	p.run(fmt.Sprintf("set viewport %d", width), chromedp.EmulateViewport(int64(width), 800, opts...))
}

// ColorScheme emulates prefers-color-scheme: dark or light. It holds for the
// tab until changed, across navigations.
func (p *Page) ColorScheme(dark bool) {
	p.t.Helper()
	value := "light"
	if dark {
		value = "dark"
	}
	p.run("emulate prefers-color-scheme: "+value, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: value}},
		})
		return err
	}))
	p.dark = dark
}

// Scheme names the emulated colour scheme.
func (p *Page) Scheme() string {
	if p.dark {
		return "dark"
	}
	return "light"
}

// ScreenshotDir is where screenshots go, under the repository root. It is
// gitignored: CI keeps it as the run's artifact.
const ScreenshotDir = "test-artifacts/screenshots"

// maxShotHeight caps a full-page screenshot (a long table is the same at
// row 40 as at row 400).
const maxShotHeight = 3000

// Screenshot saves the whole page (up to 3000 px tall) at each of Widths as
// test-artifacts/screenshots/<name>-<width>.png (with a -dark suffix in the
// dark scheme), and checks at 360 px that the page does not scroll
// sideways: wide content must scroll inside its own container
// (.table-wrap, .kanban), not drag the page. It returns the files written,
// by width.
func (p *Page) Screenshot(name string) map[int]string {
	p.t.Helper()
	dir := filepath.Join(repoRoot(p.t), ScreenshotDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatalf("browsertest: %v", err)
	}
	if p.dark {
		name += "-dark"
	}
	files := map[int]string{}
	for _, w := range Widths {
		p.viewport(w)
		if w == 360 {
			p.NoHorizontalScroll()
		}
		png := p.capture(w, maxShotHeight)
		path := filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, w))
		if err := os.WriteFile(path, png, 0o644); err != nil {
			p.t.Fatalf("browsertest: %v", err)
		}
		files[w] = path
	}
	p.viewport(1280)
	return files
}

// DocsImagesEnv switches on writing the user guide's pictures.
const DocsImagesEnv = "ROSTER_UPDATE_DOCS_IMAGES"

// DocsImage writes docs/images/<name>.png, the top of the page as a person
// first sees it at width (800 px tall at 1280, 720 at 360), when
// ROSTER_UPDATE_DOCS_IMAGES=1. The guide's pictures are so produced by the
// tests, from the same pages the tests check, never drawn by hand. Pictures
// are kept under ~150 KB by taking them at device scale 1.
func (p *Page) DocsImage(name string, width int) {
	p.t.Helper()
	p.docsImage(name, width, "")
}

// DocsImageOf is DocsImage starting at the element matched by css (a
// section further down the page) instead of the top, and 3/4 as tall.
func (p *Page) DocsImageOf(name string, width int, css string) {
	p.t.Helper()
	p.docsImage(name, width, css)
}

func (p *Page) docsImage(name string, width int, css string) {
	p.t.Helper()
	if os.Getenv(DocsImagesEnv) != "1" {
		return
	}
	height := 800
	if width < 800 {
		height = 720
	}
	p.viewport(width)
	y := 0
	if css != "" {
		height = height * 3 / 4 // a section, not a page
		y = int(Eval[float64](p, fmt.Sprintf(`Math.max(0, document.querySelector(%q).getBoundingClientRect().top + scrollY - 16)`, css)))
	}
	png := p.captureAt(width, y, height)
	p.viewport(1280)
	dir := filepath.Join(repoRoot(p.t), "docs", "images")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatalf("browsertest: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		p.t.Fatalf("browsertest: %v", err)
	}
	if len(png) > 150<<10 {
		p.t.Logf("browsertest: docs/images/%s.png is %d KB (keep pictures under 150 KB)", name, len(png)>>10)
	}
}

// capture takes a PNG of the page from the top, width wide and as tall as the
// document up to maxHeight.
func (p *Page) capture(width, maxHeight int) []byte {
	p.t.Helper()
	return p.captureAt(width, 0, maxHeight)
}

// captureAt is capture starting y pixels down the page.
func (p *Page) captureAt(width, y, maxHeight int) []byte {
	p.t.Helper()
	// Let a relayout after the viewport change and web fonts settle.
	time.Sleep(50 * time.Millisecond)
	h := Eval[float64](p, `Math.ceil(Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0))`)
	height := min(max(int(h)-y, 1), maxHeight)
	ctx, cancel := context.WithTimeout(p.ctx, p.Timeout)
	defer cancel()
	res, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format:                page.CaptureScreenshotFormatPng,
		Clip:                  &page.Viewport{X: 0, Y: float64(y), Width: float64(width), Height: float64(height), Scale: 1},
		CaptureBeyondViewport: new(true),
		FromSurface:           new(true),
	})
	if err != nil {
		p.t.Fatalf("browser: screenshot of %s at %d px: %v", p.URL(), width, err)
	}
	// The protocol's binary fields arrive decoded; guard against a base64
	// string in case a version sends it raw.
	data := res.Data
	if len(data) > 4 && string(data[:4]) == "iVBO" {
		if dec, err := base64.StdEncoding.DecodeString(string(data)); err == nil {
			data = dec
		}
	}
	return data
}

// NoHorizontalScroll fails the test when the page is wider than its
// viewport at the current width (360 px on a phone), naming the elements
// that stick out. Content inside .table-wrap and .kanban may be wider: those
// scroll on their own.
func (p *Page) NoHorizontalScroll() {
	p.t.Helper()
	type report struct {
		Viewport    int      `json:"viewport"`
		ScrollWidth int      `json:"scrollWidth"`
		Offenders   []string `json:"offenders"`
	}
	r := Eval[report](p, `(() => {
		const vw = document.documentElement.clientWidth;
		const out = [];
		for (const el of document.body.querySelectorAll("*")) {
			// Wide content may scroll inside its container, unless it is
			// positioned against something outside it (an absolutely
			// positioned child of a static container escapes its clip).
			const box = el.parentElement && el.parentElement.closest(".table-wrap, .kanban");
			if (box && !(getComputedStyle(el).position === "absolute" && getComputedStyle(box).position === "static")) continue;
			const b = el.getBoundingClientRect();
			if (b.width === 0 || b.right <= vw + 1) continue;
			const id = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
				(el.classList.length ? "." + [...el.classList].join(".") : "");
			out.push(id + " right=" + Math.round(b.right));
			if (out.length >= 8) break;
		}
		return {viewport: vw, scrollWidth: document.documentElement.scrollWidth, offenders: out};
	})()`)
	if r.ScrollWidth > r.Viewport+1 {
		p.t.Errorf("browser: %s scrolls sideways at %d px: scrollWidth %d; want <= %d (wide elements: %s)",
			p.URL(), r.Viewport, r.ScrollWidth, r.Viewport+1, strings.Join(r.Offenders, ", "))
	}
}
