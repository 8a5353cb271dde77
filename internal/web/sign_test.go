package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestSigningPages walks the public signing pages with plain HTTP: the
// consent step comes first, a refused signature keeps what was typed and
// names the problem, signing completes the contract, and the used link,
// an unknown link and a declined contract's link each get their page.
func TestSigningPages(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		cs := newContractSite(t, s)
		ws := cs.signIn(cs.browser())
		tpl := cs.seed(ws)
		c, link := cs.send(tpl)
		signer := cs.browser() // no session: the signer has no account

		code, body, _ := signer.get(link)
		if code != http.StatusOK || !strings.Contains(body, "Agree to sign electronically") || strings.Contains(body, `id="sign-form"`) {
			t.Fatalf("GET %s = %d; want the consent step first, without the signing form", link, code)
		}
		if !strings.Contains(body, "Between Acme and Zoë Ångström for Coaching program at $1,500.00.") || !strings.Contains(body, "<li>Twelve weekly sessions</li>") {
			t.Errorf("the document is not readable on the page")
		}
		if code, _, _ := signer.get(link + "/document.pdf"); code != http.StatusOK {
			t.Errorf("document download = %d", code)
		}
		if code, _, _ := signer.post(link, url.Values{"intent": {"yes"}, "v.sig": {"Zoë"}}); code != http.StatusUnprocessableEntity {
			t.Errorf("sign before consent = %d; want 422", code)
		}
		if code, _, h := signer.post(link+"/consent", url.Values{"consent": {"yes"}}); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), link) {
			t.Fatalf("consent = %d", code)
		}
		_, body, _ = signer.get(link)
		if !strings.Contains(body, `id="sign-form"`) {
			t.Fatal("after consent the signing form is missing")
		}
		code, body, _ = signer.post(link, url.Values{"intent": {"yes"}, "v.sig": {"Zoë Ångström"}, "v.initials": {"ZÅ"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "I have read the terms must be checked") || !strings.Contains(body, `value="Zoë Ångström"`) {
			t.Errorf("missing checkbox: %d; want 422 naming the field and keeping the typed signature", code)
		}
		code, body, _ = signer.post(link, url.Values{"intent": {"yes"}, "v.sig": {"Zoë Ångström"}, "v.initials": {"ZÅ"}, "v.agree": {"true"}})
		if code != http.StatusOK || !strings.Contains(body, "Everyone has now signed") {
			t.Fatalf("sign = %d %s", code, body)
		}
		got, _ := cs.contracts.Get(context.Background(), ws, c.ID)
		if got.Status != contracts.StatusSigned {
			t.Fatalf("status after signing on the page = %s", got.Status)
		}
		if code, body, _ := signer.get(link); code != http.StatusGone || !strings.Contains(body, "already used") {
			t.Errorf("used link = %d; want 410 saying it was used", code)
		}
		if code, _, _ := signer.get("/sign/nonsense"); code != http.StatusNotFound {
			t.Errorf("unknown link = %d; want 404", code)
		}
		// The signed PDF downloads for a member, not for the signer.
		path := "/attachments/" + *got.SignedAttachmentID
		if code, _, _ := signer.get(path); code == http.StatusOK {
			t.Errorf("a visitor without a session downloaded the signed PDF")
		}

		c2, link2 := cs.send(tpl)
		if code, _, _ := signer.post(link2+"/decline", url.Values{"reason": {"Not now"}}); code != http.StatusOK {
			t.Fatalf("decline = %d", code)
		}
		if got, _ := cs.contracts.Get(context.Background(), ws, c2.ID); got.Status != contracts.StatusDeclined {
			t.Errorf("status after decline = %s", got.Status)
		}
	})
}
