package browsertest

// Width sets the viewport width for the steps that follow: below 800 px
// the page is emulated as a phone (touch, the meta viewport applies). A
// test that fills in a form on a phone calls Width(360) first.
func (p *Page) Width(width int) {
	p.t.Helper()
	p.viewport(width)
}
