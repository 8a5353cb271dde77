// Package browsertest drives Debian's headless Chromium (/usr/bin/chromium)
// through chromedp for Roster's end-to-end tests: it starts a browser with a
// throwaway profile, finds controls the way assistive technology does (by
// accessible name, computed by Chromium itself), audits pages with axe-core,
// emulates the light and dark colour schemes, and takes screenshots at 360 and
// 1280 px that double as the user guide's pictures.
//
// A missing browser or a missing axe-core is a test failure with the command
// that fixes it, never a skip: CI (.ci/run) installs both, and a suite that
// quietly skipped its browser tests would claim an accessibility and layout
// check it never made.
//
// Every helper fails the test on error (t.Fatalf), so a test reads as the
// user's story:
//
//	b := browsertest.Start(t)
//	p := b.NewPage(t, srv.URL)
//	p.Navigate("/login")
//	p.Type(browsertest.Label("Email"), "ada@example.com")
//	p.ClickNav(browsertest.Label("Sign in"))
//	browsertest.Axe(t, p)
package browsertest
