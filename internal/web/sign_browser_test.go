package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/browsertest"
	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestSignOnPhone signs a contract in headless Chromium at 360 px: axe
// finds nothing on the consent step, the signing form and the thank-you
// page, the page never scrolls sideways, the signature is drawn on the pad
// with pointer events, and the sealed PDF then verifies on the public
// verification page.
func TestSignOnPhone(t *testing.T) {
	s := storetest.NewSQLite(t)
	cs := newContractSite(t, s)
	admin := cs.browser()
	ws := cs.signIn(admin)
	tpl := cs.seed(ws)
	c, link := cs.send(tpl)

	b := browsertest.Start(t)
	p := b.NewPage(t, cs.srv.URL)
	p.Width(360)
	p.Navigate(link)
	browsertest.Axe(t, p)
	p.Screenshot("contract-sign-consent")
	p.Width(360)
	p.Click(browsertest.Label("I agree to use electronic records and signatures for this document"))
	p.ClickNav(browsertest.Label("Continue"))
	p.Width(360)
	browsertest.Axe(t, p)
	p.NoHorizontalScroll()

	p.Screenshot("contract-sign-form")
	p.Width(360)
	p.Click(browsertest.Label("Draw"))
	p.WaitVisible(browsertest.CSS(".sign-pad canvas"))
	drawn := browsertest.Eval[bool](p, `(() => {
		const c = document.querySelector(".sign-pad canvas");
		const r = c.getBoundingClientRect();
		const ev = (type, x, y) => c.dispatchEvent(new PointerEvent(type, {pointerId: 7, pointerType: "touch", bubbles: true, clientX: r.left + x, clientY: r.top + y}));
		ev("pointerdown", 10, 30);
		for (let i = 1; i <= 20; i++) ev("pointermove", 10 + i * 12, 30 + (i % 4) * 8);
		ev("pointerup", 250, 40);
		return c.toDataURL("image/png").length > 1000;
	})()`)
	if !drawn {
		t.Fatal("nothing was drawn on the signature pad")
	}
	p.Fill(browsertest.Label("Initials (required)"), "ZÅ")
	p.Click(browsertest.Label("I have read the terms (required)"))
	p.ClickNav(browsertest.Label("Sign"))
	p.Width(360)
	if got := p.Text(browsertest.CSS("h1")); got != "Thank you, you signed" {
		t.Fatalf("after Sign: %q", got)
	}
	browsertest.Axe(t, p)
	p.NoHorizontalScroll()

	got, err := cs.contracts.Get(context.Background(), ws, c.ID)
	if err != nil || got.Status != contracts.StatusSigned || got.Signers[0].SignatureMethod != "drawn" {
		t.Fatalf("contract after signing in the browser: %+v, %v", got, err)
	}

	// The admin downloads the sealed PDF; the public page verifies it.
	code, pdf, h := admin.get("/attachments/" + *got.SignedAttachmentID)
	if code != http.StatusOK || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("download = %d %s", code, h.Get("Content-Type"))
	}
	file := filepath.Join(t.TempDir(), "signed.pdf")
	if err := os.WriteFile(file, []byte(pdf), 0o600); err != nil {
		t.Fatal(err)
	}
	p.Width(360)
	p.Navigate("/contracts/verify")
	browsertest.Axe(t, p)
	p.Upload(browsertest.CSS("#file"), file)
	p.ClickNav(browsertest.Label("Check the file"))
	if text := p.Text(browsertest.CSS("[role=status].alert")); !strings.Contains(text, "Valid.") {
		t.Errorf("verification page says %q; want Valid", text)
	}
	browsertest.Axe(t, p)

	// One changed byte and the same page says no.
	bad := []byte(pdf)
	bad[len(bad)/3] ^= 0x20
	if body := postFile(t, cs.srv.URL+"/contracts/verify", bad); !strings.Contains(body, "Not verified.") {
		t.Errorf("a changed file was not refused")
	}
}

func postFile(t *testing.T, url string, content []byte) string {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "contract.pdf")
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", url, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}
