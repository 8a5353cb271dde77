package contracts_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// clock is a settable clock: tests move it past expiry and reminder
// intervals without waiting.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness is one workspace with a person, a company and an opportunity,
// the records, mail and contracts services, on a real database.
type harness struct {
	t       *testing.T
	s       *store.Store
	ws      string
	records *records.Service
	mail    *mail.Service
	svc     *contracts.Service
	clock   *clock
	person  string
	company string
	opp     string
	notices []contracts.Notice
	mu      sync.Mutex
}

func testSealer(t testing.TB) *secret.Sealer {
	t.Helper()
	sealer, err := secret.NewSealer(secret.Key{Bytes: bytes.Repeat([]byte{9}, secret.KeySize)})
	if err != nil {
		t.Fatal(err)
	}
	return sealer
}

func newHarness(t *testing.T, s *store.Store) *harness {
	t.Helper()
	return newHarnessWith(t, s, nil)
}

// newHarnessWith is newHarness with third-party providers.
func newHarnessWith(t *testing.T, s *store.Store, providers map[string]contracts.Provider) *harness {
	t.Helper()
	h := &harness{t: t, s: s, ws: storetest.NewWorkspace(t, s, "Acme"), clock: &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}}
	h.records = records.New(records.Config{Store: s, Now: h.clock.Now})
	h.mail = mail.New(mail.Config{Store: s, Now: h.clock.Now})
	h.svc = contracts.New(contracts.Config{Store: s, Records: h.records, Mail: h.mail, Sealer: testSealer(t),
		BaseURL: "https://roster.test", Now: h.clock.Now, Providers: providers, OnEvent: func(_ context.Context, n contracts.Notice) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.notices = append(h.notices, n)
		}})
	h.company = h.create(crm.CompanyObject, crm.Input{"name": "Société Générale d'Études"})
	h.person = h.create(crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Zoë", "lastName": "Ångström"},
		"emails": map[string]any{"primaryEmail": "zoe@example.com"}, "companyId": h.company})
	h.opp = h.create(crm.OpportunityObject, crm.Input{"name": "Coaching program", "stage": "PROPOSAL",
		"amount": map[string]any{"amountMicros": 2500000000, "currencyCode": "EUR"}, "pointOfContactId": h.person, "companyId": h.company})
	return h
}

func (h *harness) create(o *crm.Object, in crm.Input) string {
	h.t.Helper()
	recs, err := h.records.Create(context.Background(), records.CreateParams{WorkspaceID: h.ws, Object: o,
		Actor: crm.Actor{Source: crm.SourceManual, Name: "Test"}, Inputs: []crm.Input{in}})
	if err != nil {
		h.t.Fatalf("create %s: %v", o.Name, err)
	}
	return recs[0].Meta().ID
}

const templateBody = `# Coaching agreement

This agreement is between **Acme** and {{person.name}} of {{company.name}}, made on {{today}}.

## Fees

- Program: {{opportunity.name}}
- Fee: {{opportunity.amount}}

The client agrees to the terms above.`

func (h *harness) template(roles ...contracts.SignerRole) *contracts.Template {
	h.t.Helper()
	if len(roles) == 0 {
		roles = []contracts.SignerRole{{Role: "Client", Order: 1}}
	}
	fields := []contracts.Field{}
	for _, r := range roles {
		fields = append(fields,
			contracts.Field{ID: "sig-" + strings.ToLower(r.Role), Role: r.Role, Type: contracts.FieldSignature, Label: "Signature", Required: true},
			contracts.Field{ID: "ini-" + strings.ToLower(r.Role), Role: r.Role, Type: contracts.FieldInitials, Required: false},
			contracts.Field{ID: "date-" + strings.ToLower(r.Role), Role: r.Role, Type: contracts.FieldDateSigned},
			contracts.Field{ID: "agree-" + strings.ToLower(r.Role), Role: r.Role, Type: contracts.FieldCheckbox, Label: "I accept the fee", Required: true},
		)
	}
	name, body := "Coaching agreement", templateBody
	t, err := h.svc.CreateTemplate(context.Background(), h.ws, contracts.TemplateInput{Name: &name, Body: &body, SignerRoles: roles, Fields: fields})
	if err != nil {
		h.t.Fatalf("CreateTemplate() = %v", err)
	}
	return t
}

func (h *harness) send(t *contracts.Template, signers ...contracts.SignerInput) *contracts.Contract {
	h.t.Helper()
	c, err := h.svc.Send(context.Background(), h.ws, contracts.SendInput{TemplateID: t.ID, OpportunityID: &h.opp, Signers: signers,
		Actor: crm.Actor{Source: crm.SourceManual, Name: "Ada Admin"}})
	if err != nil {
		h.t.Fatalf("Send() = %v", err)
	}
	return c
}

// link is the admin's view of a signer's link, as a token.
func (h *harness) link(c *contracts.Contract, email string) string {
	h.t.Helper()
	c, err := h.svc.Get(context.Background(), h.ws, c.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, g := range c.Signers {
		if g.Email == email {
			u, err := h.svc.SignerURL(c, g)
			if err != nil {
				h.t.Fatal(err)
			}
			if u == nil {
				return ""
			}
			return strings.TrimPrefix(*u, "https://roster.test/sign/")
		}
	}
	h.t.Fatalf("no signer %s", email)
	return ""
}

var visit = contracts.Visit{IP: "203.0.113.7", UserAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)"}

// signWith opens, consents and signs with a drawn signature.
func (h *harness) signWith(token, role string) (*contracts.Contract, error) {
	ctx := context.Background()
	if _, err := h.svc.Open(ctx, token, visit); err != nil {
		return nil, err
	}
	if err := h.svc.Consent(ctx, token, true, visit); err != nil {
		return nil, err
	}
	r := strings.ToLower(role)
	return h.svc.Sign(ctx, token, contracts.SignInput{Intent: true, Values: map[string]string{
		"sig-" + r: drawn(), "ini-" + r: "ZÅ", "agree-" + r: "true",
	}}, visit)
}

// drawn is a small PNG as the signature pad sends it.
func drawn() string {
	img := image.NewGray(image.Rect(0, 0, 60, 20))
	for x := 5; x < 55; x++ {
		img.Set(x, 10+(x%5), color.Black)
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}

func errCode(err error) string {
	if e, ok := crm.AsError(err); ok {
		return e.Code
	}
	return ""
}
