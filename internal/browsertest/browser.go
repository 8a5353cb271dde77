package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package puts the browser; the
// environment variable ROSTER_CHROMIUM overrides it.
const ChromiumPath = "/usr/bin/chromium"

// Browser is one headless Chromium process with a fresh profile.
type Browser struct {
	ctx context.Context
}

// Start launches Chromium for the test and stops it when the test ends. The
// flags keep it off the network (this machine has none but loopback) and
// quiet: no first-run pages, no component or sync traffic, no GPU.
func Start(t *testing.T) *Browser {
	t.Helper()
	path := ChromiumPath
	if p := os.Getenv("ROSTER_CHROMIUM"); p != "" {
		path = p
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("browsertest: no Chromium at %s (%v): install Debian's chromium package "+
			"(apt-get install -y chromium; .ci/run does it) or set ROSTER_CHROMIUM", path, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("lang", "en-US"),
		chromedp.WindowSize(1280, 800),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	// The first Run starts the browser; it must not carry a timeout (that
	// would bound the browser's whole life), so a start that hangs is caught
	// by a watchdog instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			cancel()
			cancelAlloc()
			t.Fatalf("browsertest: start %s: %v", path, err)
		}
	case <-time.After(60 * time.Second):
		cancel()
		cancelAlloc()
		t.Fatalf("browsertest: %s did not start within 60s", path)
	}
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	return &Browser{ctx: ctx}
}

// NewPage opens a tab whose relative URLs resolve against baseURL, with a
// 1280x800 viewport in the light colour scheme. The tab records uncaught
// JavaScript exceptions and console errors (a Content-Security-Policy
// violation is one) and fails the test with them when it ends.
func (b *Browser) NewPage(t *testing.T, baseURL string) *Page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	p := &Page{t: t, ctx: ctx, base: baseURL, Timeout: 20 * time.Second, errs: &pageErrors{}}
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("browsertest: open tab: %v", err)
	}
	if err := chromedp.Listen(ctx, p.errs.record); err != nil {
		cancel()
		t.Fatalf("browsertest: listen: %v", err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		cancel()
		t.Fatalf("browsertest: enable log: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		for _, e := range p.errs.take() {
			t.Errorf("browser console: %s", e)
		}
	})
	p.viewport(1280)
	return p
}

// pageErrors collects what a page complains about while the test drives it.
type pageErrors struct {
	mu   sync.Mutex
	list []string
}

// record runs on chromedp's event loop: it must only append.
func (e *pageErrors) record(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg = "uncaught exception: " + d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		if d.URL != "" {
			msg += " (" + d.URL + ")"
		}
	case *log.EventEntryAdded:
		en := ev.Entry
		// Network errors are the server's answers (a 404 page the test asked
		// for, a 400 form re-render): tests assert those themselves.
		if en.Level != log.EntryLevelError || en.Source == log.EntrySourceNetwork {
			return
		}
		msg = string(en.Source) + ": " + en.Text
		if en.URL != "" {
			msg += " (" + en.URL + ")"
		}
	default:
		return
	}
	e.mu.Lock()
	e.list = append(e.list, msg)
	e.mu.Unlock()
}

func (e *pageErrors) take() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	l := e.list
	e.list = nil
	return l
}

// repoRoot walks up from the test's working directory to the directory that
// holds go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("browsertest: no go.mod above %s", dir)
		}
	}
}
