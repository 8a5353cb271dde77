package contracts_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// receiver is Roster's callback intake for one provider, over real HTTP,
// as the app mounts it: the reply body the service returns, 401 for a bad
// signature, 500 when applying failed.
func receiver(t *testing.T, h *harness, provider string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		reply, err := h.svc.AcceptWebhook(r.Context(), h.ws, provider, contracts.WebhookDelivery{Header: r.Header, ContentType: r.Header.Get("Content-Type"), Body: body})
		switch {
		case err == contracts.ErrBadSignature:
			w.WriteHeader(401)
		case err != nil:
			t.Logf("AcceptWebhook: %v", err)
			w.WriteHeader(500)
		default:
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, reply)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func stageOf(t *testing.T, h *harness) string {
	t.Helper()
	o, err := h.records.Get(context.Background(), h.ws, crm.OpportunityObject, h.opp)
	if err != nil {
		t.Fatal(err)
	}
	return o.(*crm.Opportunity).Stage
}

func stageMoves(t *testing.T, h *harness) int {
	t.Helper()
	acts, _ := h.records.Timeline(context.Background(), h.ws, crm.OpportunityObject, h.opp, "", 100)
	n := 0
	for _, a := range acts {
		if a.Name == "opportunity.updated" {
			n++
		}
	}
	return n
}

func TestDropboxSign(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const key = "2ae2a4a38f3a2d7b1e9c0f61e5b6d0c4f3a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5"
		fake := newDropboxFake(t, key)
		h := newHarnessWith(t, s, map[string]contracts.Provider{contracts.ProviderDropboxSign: &contracts.DropboxSign{BaseURL: fake.srv.URL + "/v3", APIKey: key}})
		url := receiver(t, h, contracts.ProviderDropboxSign)
		tpl := h.template(twoRoles...)

		c, err := h.svc.Send(ctx, h.ws, contracts.SendInput{TemplateID: tpl.ID, OpportunityID: &h.opp, Signers: twoSigners(), Provider: contracts.ProviderDropboxSign})
		if err != nil {
			t.Fatal(err)
		}
		sigs := fake.sent[*c.ProviderRequestID]
		if c.ProviderRequestID == nil || len(sigs) != 2 || c.Signers[0].ProviderSignerID != sigs[0] {
			t.Fatalf("send: request %v, signatures %v, signer ids %q", c.ProviderRequestID, sigs, c.Signers[0].ProviderSignerID)
		}
		if u, _ := h.svc.SignerURL(c, c.Signers[0]); u != nil {
			t.Errorf("a provider's contract has a Roster signing link")
		}
		if emails, _ := h.mail.List(ctx, h.ws); len(emails) != 0 {
			t.Errorf("Roster emailed %d invitations for a Dropbox Sign request; the provider does", len(emails))
		}
		req := *c.ProviderRequestID

		if code, _ := fake.callback(url, "not-the-key", "signature_request_all_signed", req, "", ""); code != 401 {
			t.Errorf("callback with a wrong event_hash = %d; want 401", code)
		}
		for _, ev := range []struct{ typ, sig string }{
			{"signature_request_sent", ""}, {"signature_request_viewed", sigs[0]}, {"signature_request_signed", sigs[0]},
			{"callback_test", ""}, {"signature_request_signed", sigs[1]}, {"signature_request_all_signed", ""},
			{"signature_request_all_signed", ""}, {"signature_request_downloadable", ""}, {"signature_request_signed", sigs[1]},
		} {
			if code, reply := fake.callback(url, key, ev.typ, req, ev.sig, ""); code != 200 || reply != contracts.DropboxSignReply {
				t.Fatalf("callback %s = %d %q; want 200 %q", ev.typ, code, reply, contracts.DropboxSignReply)
			}
		}
		got, _ := h.svc.Get(ctx, h.ws, c.ID)
		sum := sha256.Sum256(signedPDF)
		if got.Status != contracts.StatusSigned || got.FinalSHA256 != hex.EncodeToString(sum[:]) || got.Signers[0].ViewedAt == nil {
			t.Fatalf("after the callbacks: status %s, final %s", got.Status, got.FinalSHA256)
		}
		if stageOf(t, h) != "CUSTOMER" || stageMoves(t, h) != 1 {
			t.Errorf("opportunity: stage %s, moved %d times; want CUSTOMER once under duplicate and late events", stageOf(t, h), stageMoves(t, h))
		}

		// Decline, void.
		d, _ := h.svc.Send(ctx, h.ws, contracts.SendInput{TemplateID: tpl.ID, PersonID: &h.person, Signers: twoSigners(), Provider: contracts.ProviderDropboxSign})
		if code, _ := fake.callback(url, key, "signature_request_declined", *d.ProviderRequestID, fake.sent[*d.ProviderRequestID][0], "Too expensive"); code != 200 {
			t.Fatal(code)
		}
		if got, _ := h.svc.Get(ctx, h.ws, d.ID); got.Status != contracts.StatusDeclined || got.Signers[0].DeclineReason != "Too expensive" {
			t.Errorf("after a decline: %s %q", got.Status, got.Signers[0].DeclineReason)
		}
		v, _ := h.svc.Send(ctx, h.ws, contracts.SendInput{TemplateID: tpl.ID, PersonID: &h.person, Signers: twoSigners(), Provider: contracts.ProviderDropboxSign})
		if _, err := h.svc.Void(ctx, h.ws, v.ID, "Wrong plan", crm.Actor{Name: "Ada"}); err != nil || !fake.cancel[*v.ProviderRequestID] {
			t.Errorf("Void() = %v, cancelled at the provider %v", err, fake.cancel[*v.ProviderRequestID])
		}
		if code, _ := fake.callback(url, key, "signature_request_all_signed", *v.ProviderRequestID, "", ""); code != 200 {
			t.Fatal(code)
		}
		if got, _ := h.svc.Get(ctx, h.ws, v.ID); got.Status != contracts.StatusVoided {
			t.Errorf("a completion event after void changed the contract to %s", got.Status)
		}
	})
}

// TestDropboxSignEventHashVector checks the official vector from
// hellosign-openapi's examples/EventCallbackExample.py.
func TestDropboxSignEventHashVector(t *testing.T) {
	d := &contracts.DropboxSign{APIKey: "324e3b0840f065eb51f3fd63231d0d33daa35d4ed10d27718839e81737065782"}
	body := `{"event":{"event_time":"1669926463","event_type":"account_confirmed","event_hash":"ff8b03439122f9160500c3fb855bdee5a9ccba5fff27d3b258745d8f3074832f"}}`
	ev, reply, err := d.ParseWebhook(contracts.WebhookDelivery{ContentType: "application/json", Body: []byte(body)})
	if err != nil || ev.Kind != contracts.ProviderOther || reply != "Hello API Event Received" {
		t.Fatalf("ParseWebhook(official vector) = %+v, %q, %v", ev, reply, err)
	}
	bad := []byte(body[:len(body)-5] + `0f"}}`)
	if _, _, err := d.ParseWebhook(contracts.WebhookDelivery{ContentType: "application/json", Body: bad}); err == nil {
		t.Error("a changed event_hash was accepted")
	}
}

// TestDocuSignConnectVector checks the computed vector of reference/esign.md §5.
func TestDocuSignConnectVector(t *testing.T) {
	d := &contracts.DocuSign{ConnectKey: "connect-key-123"}
	body := `{"event":"envelope-completed","apiVersion":"v2.1","data":{"envelopeId":"93be49ab-afa0-4adf-933c-f752070d71ec"}}`
	ev, _, err := d.ParseWebhook(contracts.WebhookDelivery{Header: map[string][]string{"X-Docusign-Signature-1": {"l9koTBtjGCrbc5m8mS15YTN0gPtpUDdRBHll0SwoirU="}}, Body: []byte(body)})
	if err != nil || ev.Kind != contracts.ProviderCompleted || ev.RequestID != "93be49ab-afa0-4adf-933c-f752070d71ec" {
		t.Fatalf("ParseWebhook(vector) = %+v, %v", ev, err)
	}
	// A second key's header alone also verifies (one header per active key).
	if _, _, err := d.ParseWebhook(contracts.WebhookDelivery{Header: map[string][]string{"X-Docusign-Signature-1": {"AAAA"}, "X-Docusign-Signature-2": {"l9koTBtjGCrbc5m8mS15YTN0gPtpUDdRBHll0SwoirU="}}, Body: []byte(body)}); err != nil {
		t.Errorf("the matching second header was refused: %v", err)
	}
	if _, _, err := d.ParseWebhook(contracts.WebhookDelivery{Header: map[string][]string{"X-Docusign-Signature-1": {"l9koTBtjGCrbc5m8mS15YTN0gPtpUDdRBHll0SwoirU="}}, Body: []byte(body + " ")}); err == nil {
		t.Error("a changed body was accepted")
	}
}

func TestDocuSign(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
		fake := newDocusignFake(t, &key.PublicKey, "acct-1")
		ds := &contracts.DocuSign{BaseURL: fake.srv.URL + "/restapi", OAuthBaseURL: fake.srv.URL, IntegrationKey: "integration-key",
			UserID: "user-guid", AccountID: "acct-1", PrivateKey: keyPEM, ConnectKey: "connect-key-123"}
		h := newHarnessWith(t, s, map[string]contracts.Provider{contracts.ProviderDocuSign: ds})
		url := receiver(t, h, contracts.ProviderDocuSign)
		tpl := h.template(twoRoles...)
		c, err := h.svc.Send(ctx, h.ws, contracts.SendInput{TemplateID: tpl.ID, OpportunityID: &h.opp, Signers: twoSigners(), Provider: contracts.ProviderDocuSign})
		if err != nil {
			t.Fatal(err)
		}
		env := *c.ProviderRequestID
		if fake.status[env] != "sent" || c.Signers[1].ProviderSignerID != "2" {
			t.Fatalf("envelope %s status %q, signer ids %q", env, fake.status[env], c.Signers[1].ProviderSignerID)
		}
		if code := connect(t, url, "wrong-key", "envelope-completed", env, ""); code != 401 {
			t.Errorf("Connect with a wrong HMAC = %d; want 401", code)
		}
		for _, ev := range []struct{ event, rcpt string }{
			{"envelope-sent", ""}, {"recipient-delivered", "1"}, {"recipient-completed", "1"}, {"recipient-completed", "2"},
			{"envelope-completed", ""}, {"envelope-completed", ""}, {"recipient-delivered", "2"}, {"template-modified", ""},
		} {
			if code := connect(t, url, "connect-key-123", ev.event, env, ev.rcpt); code != 200 {
				t.Fatalf("Connect %s = %d", ev.event, code)
			}
		}
		got, _ := h.svc.Get(ctx, h.ws, c.ID)
		if got.Status != contracts.StatusSigned || got.SignedAttachmentID == nil || stageMoves(t, h) != 1 || fake.tokens != 1 {
			t.Fatalf("after Connect: status %s, stage moved %d times, %d tokens (want one, cached)", got.Status, stageMoves(t, h), fake.tokens)
		}
		v, _ := h.svc.Send(ctx, h.ws, contracts.SendInput{TemplateID: tpl.ID, PersonID: &h.person, Signers: twoSigners(), Provider: contracts.ProviderDocuSign})
		if _, err := h.svc.Void(ctx, h.ws, v.ID, "Wrong plan", crm.Actor{Name: "Ada"}); err != nil || fake.status[*v.ProviderRequestID] != "voided" {
			t.Errorf("Void() = %v; envelope %q", err, fake.status[*v.ProviderRequestID])
		}
	})
}
