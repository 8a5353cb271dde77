package contracts_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

var twoRoles = []contracts.SignerRole{{Role: "Client", Order: 1}, {Role: "Coach", Order: 2}}

func twoSigners() []contracts.SignerInput {
	return []contracts.SignerInput{
		{Name: "Zoë Ångström", Email: "zoe@example.com", Role: "Client"},
		{Name: "Дмитрий Иванов", Email: "dmitri@example.com", Role: "Coach"},
	}
}

func TestBuiltinFlowTwoSignersInOrder(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHarness(t, s)
		c := h.send(h.template(twoRoles...), twoSigners()...)
		if c.Status != contracts.StatusSent || c.OriginalSHA256 == "" || c.OriginalAttachmentID == nil {
			t.Fatalf("Send() = status %s, originalSha256 %q, original %v", c.Status, c.OriginalSHA256, c.OriginalAttachmentID)
		}
		if !strings.Contains(c.Document, "Zoë Ångström of Société Générale d'Études") || !strings.Contains(c.Document, "€2,500.00") {
			t.Errorf("merged document = %q; want the person, company and amount merged", c.Document)
		}
		orig, err := h.svc.Attachment(ctx, h.ws, *c.OriginalAttachmentID)
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(orig.Content); hex.EncodeToString(sum[:]) != c.OriginalSHA256 || !strings.HasPrefix(string(orig.Content), "%PDF-") {
			t.Fatalf("original attachment is not the hashed PDF")
		}

		client, coach := h.link(c, "zoe@example.com"), h.link(c, "dmitri@example.com")
		if client == "" || coach == "" {
			t.Fatalf("links: client %q coach %q; want both readable by an admin while pending", client, coach)
		}
		// The coach signs second: the link works only once the client signed.
		if _, err := h.svc.Open(ctx, coach, visit); errCode(err) != contracts.CodeLinkEarly {
			t.Fatalf("Open(coach early) = %v; want %s", err, contracts.CodeLinkEarly)
		}
		emails, _ := h.mail.List(ctx, h.ws)
		if len(emails) != 1 || emails[0].To[0] != "zoe@example.com" || strings.Contains(emails[0].Body, client) {
			t.Fatalf("after send: %d emails; want one invitation to the client with the link masked", len(emails))
		}

		got, err := h.signWith(client, "Client")
		if err != nil {
			t.Fatalf("sign as client: %v", err)
		}
		if got.Status != contracts.StatusPartiallySigned {
			t.Fatalf("after the client signed: status %s; want PARTIALLY_SIGNED", got.Status)
		}
		if _, err := h.svc.Open(ctx, client, visit); errCode(err) != contracts.CodeLinkUsed {
			t.Errorf("Open(used link) = %v; want %s", err, contracts.CodeLinkUsed)
		}
		if h.link(c, "zoe@example.com") != "" {
			t.Errorf("signingUrl of a signer who signed is readable; want null")
		}
		if emails, _ = h.mail.List(ctx, h.ws); len(emails) != 2 {
			t.Fatalf("after the first signature: %d emails; want the coach invited", len(emails))
		}

		h.clock.Add(time.Hour)
		done, err := h.signWith(coach, "Coach")
		if err != nil {
			t.Fatalf("sign as coach: %v", err)
		}
		if done.Status != contracts.StatusSigned || done.FinalSHA256 == "" || done.CompletedAt == nil || done.SignedAttachmentID == nil {
			t.Fatalf("after both signed: %+v", done)
		}
		signed, err := h.svc.Attachment(ctx, h.ws, *done.SignedAttachmentID)
		if err != nil {
			t.Fatal(err)
		}
		if signed.OpportunityID == nil || *signed.OpportunityID != h.opp {
			t.Errorf("signed PDF is not attached to the opportunity")
		}
		if sum := sha256.Sum256(signed.Content); hex.EncodeToString(sum[:]) != done.FinalSHA256 {
			t.Errorf("finalSha256 is not the stored signed PDF's")
		}
		if !strings.HasPrefix(string(signed.Content), string(orig.Content[:8])) || len(signed.Content) <= len(orig.Content) {
			t.Errorf("signed PDF looks wrong (%d bytes)", len(signed.Content))
		}

		// The seal verifies, and one changed byte breaks it.
		v, err := h.svc.VerifyPDF(ctx, h.ws, signed.Content)
		if err != nil || !v.Valid || !v.Known || v.ContractID != c.ID {
			t.Fatalf("VerifyPDF(signed) = %+v, %v; want valid and known", v, err)
		}
		tampered := append([]byte(nil), signed.Content...)
		i := len(orig.Content) / 2
		tampered[i] ^= 0x01
		v, err = h.svc.VerifyPDF(ctx, h.ws, tampered)
		if err != nil || v.Valid || v.Known {
			t.Fatalf("VerifyPDF(one byte changed) = %+v, %v; want invalid and unknown", v, err)
		}
		if v, _ := h.svc.VerifyPDF(ctx, h.ws, orig.Content); v.Valid {
			t.Errorf("VerifyPDF(unsealed original) = valid; want no seal")
		}

		opp, err := h.records.Get(ctx, h.ws, crm.OpportunityObject, h.opp)
		if err != nil {
			t.Fatal(err)
		}
		if st := opp.(*crm.Opportunity).Stage; st != "CUSTOMER" {
			t.Errorf("opportunity stage = %s; want CUSTOMER", st)
		}
		acts, err := h.records.Timeline(ctx, h.ws, crm.OpportunityObject, h.opp, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]int{}
		for _, a := range acts {
			names[a.Name]++
		}
		for _, want := range []string{"contract.sent", "contract.signed", "note.linked", "opportunity.updated"} {
			if names[want] != 1 {
				t.Errorf("opportunity timeline has %d %s; want 1 (%v)", names[want], want, names)
			}
		}
		person, _ := h.records.Timeline(ctx, h.ws, crm.PersonObject, h.person, "", 100)
		company, _ := h.records.Timeline(ctx, h.ws, crm.CompanyObject, h.company, "", 100)
		if !hasActivity(person, "contract.signed") || !hasActivity(company, "contract.signed") {
			t.Errorf("the contract is not on the person's and company's timelines")
		}

		events, err := h.svc.Events(ctx, h.ws, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, e := range events {
			types = append(types, e.Type)
		}
		want := "created sent invited viewed consent_accepted signed invited viewed consent_accepted signed completed sealed opportunity_moved"
		if strings.Join(types, " ") != want {
			t.Errorf("audit trail = %s; want %s", strings.Join(types, " "), want)
		}
		for _, e := range events {
			if e.Type == contracts.EventSigned && (e.IP != visit.IP || e.UserAgent != visit.UserAgent) {
				t.Errorf("signed event without the signer's address and browser: %+v", e)
			}
		}
		var notices []string
		for _, n := range h.notices {
			notices = append(notices, n.Name)
		}
		if got := strings.Join(notices, " "); got != "contract.sent contract.viewed contract.viewed contract.signed" {
			t.Errorf("notices = %s", got)
		}
	})
}

func hasActivity(acts []*crm.TimelineActivity, name string) bool {
	for _, a := range acts {
		if a.Name == name {
			return true
		}
	}
	return false
}

func TestSigningNeedsConsentIntentAndRequiredFields(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHarness(t, s)
		c := h.send(h.template())
		token := h.link(c, "zoe@example.com")
		sess, err := h.svc.Open(ctx, token, visit)
		if err != nil {
			t.Fatal(err)
		}
		if sess.Consented || !strings.Contains(sess.ConsentText, "paper copy") || len(sess.Fields) != 4 {
			t.Fatalf("Open() = consented %v, %d fields", sess.Consented, len(sess.Fields))
		}
		ok := map[string]string{"sig-client": "Zoë Ångström", "agree-client": "true"}
		cases := []struct {
			name   string
			in     contracts.SignInput
			field  string
			before func()
		}{
			{"no consent", contracts.SignInput{Intent: true, Values: ok}, "consent", nil},
			{"no intent", contracts.SignInput{Values: ok}, "intent", func() {
				if err := h.svc.Consent(ctx, token, true, visit); err != nil {
					t.Fatal(err)
				}
			}},
			{"no signature", contracts.SignInput{Intent: true, Values: map[string]string{"agree-client": "true"}}, "values.sig-client", nil},
			{"unchecked box", contracts.SignInput{Intent: true, Values: map[string]string{"sig-client": "Zoë"}}, "values.agree-client", nil},
			{"not a png", contracts.SignInput{Intent: true, Values: map[string]string{"sig-client": "data:image/png;base64,AAAA", "agree-client": "true"}}, "values.sig-client", nil},
		}
		for _, tc := range cases {
			if tc.before != nil {
				tc.before()
			}
			_, err := h.svc.Sign(ctx, token, tc.in, visit)
			if e, ok := crm.AsError(err); !ok || e.Field != tc.field {
				t.Errorf("%s: Sign() = %v; want an error on %s", tc.name, err, tc.field)
			}
		}
		got, _ := h.svc.Get(ctx, h.ws, c.ID)
		if got.Status != contracts.StatusViewed || got.Signers[0].SignedAt != nil {
			t.Fatalf("refused signatures changed the contract: %s", got.Status)
		}
		done, err := h.svc.Sign(ctx, token, contracts.SignInput{Intent: true, Values: ok}, visit)
		if err != nil || done.Status != contracts.StatusSigned || done.Signers[0].SignatureMethod != "typed" {
			t.Fatalf("typed signature: %v", err)
		}
	})
}

func TestDeclineVoidExpiryAndForeignLinks(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHarness(t, s)
		tpl := h.template(twoRoles...)

		t.Run("decline", func(t *testing.T) {
			c := h.send(tpl, twoSigners()...)
			token := h.link(c, "zoe@example.com")
			if err := h.svc.Decline(ctx, token, "  ", visit); errCode(err) != crm.CodeRequired {
				t.Fatalf("Decline(no reason) = %v", err)
			}
			if err := h.svc.Decline(ctx, token, "The fee is too high", visit); err != nil {
				t.Fatal(err)
			}
			got, _ := h.svc.Get(ctx, h.ws, c.ID)
			if got.Status != contracts.StatusDeclined || got.Signers[0].DeclineReason != "The fee is too high" || got.Signers[0].Status != contracts.SignerDeclined {
				t.Fatalf("after decline: %s %+v", got.Status, got.Signers[0])
			}
			if _, err := h.svc.Open(ctx, h.link(c, "dmitri@example.com"), visit); err == nil {
				t.Errorf("the other signer's link is still readable after a decline")
			}
			if _, err := h.signWith(token, "Client"); errCode(err) != contracts.CodeLinkUsed {
				t.Errorf("sign after decline = %v; want refused", err)
			}
		})

		t.Run("void", func(t *testing.T) {
			c := h.send(tpl, twoSigners()...)
			token := h.link(c, "zoe@example.com")
			if _, err := h.svc.Void(ctx, h.ws, c.ID, "", crm.Actor{Name: "Ada"}); errCode(err) != crm.CodeRequired {
				t.Fatalf("Void(no reason) = %v", err)
			}
			if _, err := h.svc.Void(ctx, h.ws, c.ID, "Wrong amount", crm.Actor{Name: "Ada"}); err != nil {
				t.Fatal(err)
			}
			if _, err := h.signWith(token, "Client"); errCode(err) != contracts.CodeLinkVoided {
				t.Errorf("sign after void = %v; want %s", err, contracts.CodeLinkVoided)
			}
			if h.link(c, "zoe@example.com") != "" {
				t.Errorf("signingUrl readable after void")
			}
			if _, err := h.svc.Void(ctx, h.ws, c.ID, "again", crm.Actor{}); errCode(err) != crm.CodeInvalidValue {
				t.Errorf("Void(voided) = %v; want refused", err)
			}
		})

		t.Run("expiry", func(t *testing.T) {
			days := 2
			c, err := h.svc.Send(ctx, h.ws, contracts.SendInput{TemplateID: tpl.ID, PersonID: &h.person, Signers: twoSigners(), ExpiresInDays: &days})
			if err != nil {
				t.Fatal(err)
			}
			other := h.send(tpl, twoSigners()...)
			token := h.link(c, "zoe@example.com")
			h.clock.Add(49 * time.Hour)
			if _, err := h.svc.Open(ctx, token, visit); errCode(err) != contracts.CodeLinkExpired {
				t.Fatalf("Open(expired) = %v", err)
			}
			got, _ := h.svc.Get(ctx, h.ws, c.ID)
			if got.Status != contracts.StatusExpired {
				t.Fatalf("status after an expired link = %s", got.Status)
			}
			if _, err := h.signWith(token, "Client"); errCode(err) != contracts.CodeLinkExpired {
				t.Errorf("sign after expiry = %v", err)
			}
			// The sweep reminds the other contract's signers after 3 days, and
			// expires nothing that is not due.
			h.clock.Add(24 * time.Hour)
			expired, reminded, err := h.svc.Sweep(ctx)
			if err != nil || expired != 0 || reminded < 1 {
				t.Fatalf("Sweep() = %d expired, %d reminded, %v", expired, reminded, err)
			}
			events, _ := h.svc.Events(ctx, h.ws, other.ID)
			if events[len(events)-1].Type != contracts.EventReminded {
				t.Errorf("last event after the sweep = %s; want a reminder", events[len(events)-1].Type)
			}
			h.clock.Add(30 * 24 * time.Hour)
			if expired, _, err = h.svc.Sweep(ctx); err != nil || expired < 1 {
				t.Errorf("Sweep() after 30 days = %d expired, %v", expired, err)
			}
		})

		t.Run("reminder", func(t *testing.T) {
			c := h.send(tpl, twoSigners()...)
			before, _ := h.mail.List(ctx, h.ws)
			if _, err := h.svc.Remind(ctx, h.ws, c.ID, crm.Actor{Name: "Ada"}); err != nil {
				t.Fatal(err)
			}
			after, _ := h.mail.List(ctx, h.ws)
			if len(after) != len(before)+1 || !strings.HasPrefix(after[0].Subject, "Reminder:") {
				t.Errorf("Remind() sent %d emails; want one reminder to the client", len(after)-len(before))
			}
		})

		t.Run("foreign and unknown links", func(t *testing.T) {
			c := h.send(tpl, twoSigners()...)
			if _, err := h.svc.Open(ctx, "not-a-token", visit); errCode(err) != crm.CodeNotFound {
				t.Errorf("Open(unknown) = %v", err)
			}
			other := storetest.NewWorkspace(t, s, "Other")
			if _, err := h.svc.Get(ctx, other, c.ID); errCode(err) != crm.CodeNotFound {
				t.Errorf("Get from another workspace = %v; want not found", err)
			}
			if _, err := h.svc.Void(ctx, other, c.ID, "x", crm.Actor{}); errCode(err) != crm.CodeNotFound {
				t.Errorf("Void from another workspace = %v; want not found", err)
			}
		})
	})
}

func TestTemplateVersions(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHarness(t, s)
		tpl := h.template()
		name := "Coaching agreement v1.1"
		got, err := h.svc.UpdateTemplate(ctx, h.ws, tpl.ID, contracts.TemplateInput{Name: &name})
		if err != nil || got.Version != 1 {
			t.Fatalf("update of an unused template: version %d, %v; want 1", got.Version, err)
		}
		c := h.send(tpl)
		body := "New terms for {{person.name}}."
		got, err = h.svc.UpdateTemplate(ctx, h.ws, tpl.ID, contracts.TemplateInput{Body: &body})
		if err != nil || got.Version != 2 {
			t.Fatalf("update of a used template: version %d, %v; want 2", got.Version, err)
		}
		old, err := h.svc.Template(ctx, h.ws, tpl.ID, 1)
		if err != nil || old.Body != templateBody {
			t.Errorf("version 1 changed after a new version")
		}
		again, _ := h.svc.Get(ctx, h.ws, c.ID)
		if again.TemplateVersion != 1 || !strings.Contains(again.Document, "Coaching agreement") {
			t.Errorf("the sent contract changed with its template")
		}
		bad := "Hello {{secret.key}}"
		if _, err := h.svc.UpdateTemplate(ctx, h.ws, tpl.ID, contracts.TemplateInput{Body: &bad}); errCode(err) != crm.CodeInvalidValue {
			t.Errorf("unknown merge field = %v; want refused", err)
		}
		p, err := h.svc.PreviewContract(ctx, h.ws, tpl.ID, []string{h.opp})
		if err != nil || !strings.Contains(p.Document, "New terms for Zoë Ångström.") {
			t.Errorf("PreviewContract() = %+v, %v", p, err)
		}
	})
}

func TestSendWithIdempotencyKeySendsOnce(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHarness(t, s)
		tpl := h.template()
		in := contracts.SendInput{TemplateID: tpl.ID, OpportunityID: &h.opp, IdempotencyKey: "workflow:run-1:send"}
		first, err := h.svc.Send(ctx, h.ws, in)
		if err != nil {
			t.Fatal(err)
		}
		again, err := h.svc.Send(ctx, h.ws, in)
		if err != nil || again.ID != first.ID {
			t.Fatalf("second Send with the same key = %v, %v; want contract %s", again, err, first.ID)
		}
		list, _ := h.svc.List(ctx, h.ws, contracts.Filter{}, "", 0)
		emails, _ := h.mail.List(ctx, h.ws)
		if len(list) != 1 || len(emails) != 1 {
			t.Errorf("after two sends with one key: %d contracts, %d emails; want 1 and 1", len(list), len(emails))
		}
	})
}
