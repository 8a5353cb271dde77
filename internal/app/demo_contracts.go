package app

import (
	"context"
	"fmt"

	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/crm"
)

// demoContractBody is the demo's coaching agreement.
const demoContractBody = `# Coaching agreement

This agreement is made on {{today}} between Demo Coaching and {{person.name}} of {{company.name}}.

## The program

- Program: {{opportunity.name}}
- Fee: {{opportunity.amount}}, due at signing
- Twelve weekly one-hour sessions, booked through the member portal

## Cancellation

Either party may end the program with 7 days' notice. Sessions already held are not refunded.`

// seedContracts gives the demo a coaching agreement template, a contract
// out for signature and one signed (sealed PDF, opportunity moved), made
// through the contracts service as a seller and a client would.
func (a *App) seedContracts(ctx context.Context, wsID string) error {
	if a.Contracts == nil {
		return nil
	}
	name, body := "Coaching agreement", demoContractBody
	tpl, err := a.Contracts.CreateTemplate(ctx, wsID, contracts.TemplateInput{Name: &name, Body: &body,
		SignerRoles: []contracts.SignerRole{{Role: "Client", Order: 1}},
		Fields: []contracts.Field{
			{ID: "signature", Role: "Client", Type: contracts.FieldSignature, Label: "Signature", Required: true},
			{ID: "initials", Role: "Client", Type: contracts.FieldInitials, Label: "Initials", Required: true},
			{ID: "date", Role: "Client", Type: contracts.FieldDateSigned, Label: "Date signed"},
			{ID: "terms", Role: "Client", Type: contracts.FieldCheckbox, Label: "I have read the cancellation terms", Required: true},
		}})
	if err != nil {
		return fmt.Errorf("demo contract template: %w", err)
	}
	schema, err := a.Records.Schema(ctx, wsID, crm.OpportunityObject)
	if err != nil {
		return err
	}
	page, err := a.Records.List(ctx, wsID, schema, crm.ListParams{First: 20})
	if err != nil {
		return err
	}
	var opps []string
	for _, r := range page.Records {
		if st := r.(*crm.Opportunity).Stage; st == "PROPOSAL" || st == "MEETING" {
			opps = append(opps, r.Meta().ID)
		}
	}
	if len(opps) < 2 {
		return nil
	}
	actor := crm.Actor{Source: crm.SourceManual, Name: "Demo Admin"}
	if _, err := a.Contracts.Send(ctx, wsID, contracts.SendInput{TemplateID: tpl.ID, OpportunityID: &opps[0], Actor: actor,
		Message: "Here is the agreement we discussed. Sign it on your phone in a minute."}); err != nil {
		return fmt.Errorf("demo contract: %w", err)
	}
	c, err := a.Contracts.Send(ctx, wsID, contracts.SendInput{TemplateID: tpl.ID, OpportunityID: &opps[1], Actor: actor})
	if err != nil {
		return fmt.Errorf("demo contract: %w", err)
	}
	link, err := a.Contracts.SignerURL(c, c.Signers[0])
	if err != nil || link == nil {
		return fmt.Errorf("demo contract link: %v", err)
	}
	token := (*link)[len(a.Contracts.SigningURL("")):]
	visit := contracts.Visit{IP: "203.0.113.10", UserAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Mobile Safari (demo)"}
	if _, err := a.Contracts.Open(ctx, token, visit); err != nil {
		return err
	}
	if err := a.Contracts.Consent(ctx, token, true, visit); err != nil {
		return err
	}
	_, err = a.Contracts.Sign(ctx, token, contracts.SignInput{Intent: true, Values: map[string]string{
		"signature": c.Signers[0].Name, "initials": "OK", "terms": "true"}}, visit)
	return err
}
