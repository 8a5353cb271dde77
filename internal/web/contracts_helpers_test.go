package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/insights"
	"github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/views"
	"github.com/roster-crm/roster/internal/web"
)

// contractSite is the UI with the contracts service, a workspace with an
// admin signed in, and an opportunity with its person, on a real store.
type contractSite struct {
	*site
	contracts *contracts.Service
	ws        string
	person    string
	opp       string
}

func newContractSite(t *testing.T, s *store.Store) *contractSite {
	t.Helper()
	a := auth.New(auth.Config{Store: s})
	recs := records.New(records.Config{Store: s})
	sealer, err := secret.NewSealer(secret.Key{Bytes: bytes.Repeat([]byte{5}, secret.KeySize)})
	if err != nil {
		t.Fatal(err)
	}
	cs := &contractSite{}
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	cs.contracts = contracts.New(contracts.Config{Store: s, Records: recs, Mail: mail.New(mail.Config{Store: s}), Sealer: sealer, BaseURL: srv.URL})
	ui, err := web.New(web.Config{Records: recs, Auth: a, Insights: insights.New(insights.Config{Store: s}), Views: views.New(s, nil),
		Contracts: cs.contracts, Logger: slog.New(slog.DiscardHandler), BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	ui.Register(mux, a.SessionMiddleware())
	srv.Config.Handler = mux
	cs.site = &site{t: t, srv: srv, store: s, auth: a, records: recs}
	return cs
}

// seed makes the workspace's records and a template with one signer role.
func (cs *contractSite) seed(ws string) *contracts.Template {
	cs.t.Helper()
	cs.ws = ws
	ctx := context.Background()
	actor := crm.Actor{Source: crm.SourceManual, Name: "Ada Admin"}
	people, err := cs.records.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: actor, Inputs: []crm.Input{{
		"name": map[string]any{"firstName": "Zoë", "lastName": "Ångström"}, "emails": map[string]any{"primaryEmail": "zoe@example.com"}}}})
	if err != nil {
		cs.t.Fatal(err)
	}
	cs.person = people[0].Meta().ID
	opps, err := cs.records.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.OpportunityObject, Actor: actor, Inputs: []crm.Input{{
		"name": "Coaching program", "stage": "PROPOSAL", "pointOfContactId": cs.person,
		"amount": map[string]any{"amountMicros": 1500000000, "currencyCode": "USD"}}}})
	if err != nil {
		cs.t.Fatal(err)
	}
	cs.opp = opps[0].Meta().ID
	name := "Coaching agreement"
	body := "# Coaching agreement\n\nBetween Acme and {{person.name}} for {{opportunity.name}} at {{opportunity.amount}}.\n\n- Twelve weekly sessions\n- Cancel with 7 days' notice"
	tpl, err := cs.contracts.CreateTemplate(ctx, ws, contracts.TemplateInput{Name: &name, Body: &body,
		SignerRoles: []contracts.SignerRole{{Role: "Client", Order: 1}},
		Fields: []contracts.Field{
			{ID: "sig", Role: "Client", Type: contracts.FieldSignature, Label: "Signature", Required: true},
			{ID: "initials", Role: "Client", Type: contracts.FieldInitials, Label: "Initials", Required: true},
			{ID: "date", Role: "Client", Type: contracts.FieldDateSigned, Label: "Date signed"},
			{ID: "agree", Role: "Client", Type: contracts.FieldCheckbox, Label: "I have read the terms", Required: true},
		}})
	if err != nil {
		cs.t.Fatal(err)
	}
	return tpl
}

// send sends the template to the opportunity's person and returns the
// contract and the signer's link path.
func (cs *contractSite) send(tpl *contracts.Template) (*contracts.Contract, string) {
	cs.t.Helper()
	ctx := context.Background()
	c, err := cs.contracts.Send(ctx, cs.ws, contracts.SendInput{TemplateID: tpl.ID, OpportunityID: &cs.opp, ExpiresInDays: ptr(7)})
	if err != nil {
		cs.t.Fatal(err)
	}
	u, err := cs.contracts.SignerURL(c, c.Signers[0])
	if err != nil || u == nil {
		cs.t.Fatalf("SignerURL() = %v, %v", u, err)
	}
	return c, strings.TrimPrefix(*u, cs.srv.URL)
}
