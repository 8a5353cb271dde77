package app

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/webhooks"
	"github.com/roster-crm/roster/internal/whopsync"
)

// Demo sign-in. The demo listens on localhost with throwaway data, so a
// fixed, documented password is friendlier than one lost in scrollback.
const (
	demoWorkspace = "Demo"
	demoEmail     = "admin@demo.roster.test"
	demoPassword  = "roster-demo"
)

// seedDemo makes sure a demo workspace exists (creating it with sample
// records on the first run) and prints how to sign in and a fresh API key.
func (a *App) seedDemo(ctx context.Context, out io.Writer) error {
	wsID, err := a.demoWorkspaceID(ctx)
	if err != nil {
		return err
	}
	if wsID == "" {
		ws, _, err := a.Auth.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: demoWorkspace, AdminEmail: demoEmail, AdminPassword: demoPassword, AdminName: "Demo Admin"})
		if err != nil {
			return err
		}
		wsID = ws.ID
		// The webhook first, so the sample records' events reach it.
		if err := a.seedWebhook(ctx, wsID); err != nil {
			return err
		}
		if err := seedRecords(ctx, a.Records, wsID); err != nil {
			return err
		}
		if err := a.seedTeam(ctx, wsID); err != nil {
			return err
		}
		if err := a.seedWorkflows(ctx, wsID); err != nil {
			return err
		}
		if err := a.seedAI(ctx, wsID); err != nil {
			return err
		}
		if err := a.seedContracts(ctx, wsID); err != nil {
			return err
		}
	} else if err := a.seedWebhook(ctx, wsID); err != nil {
		return err
	}
	k, key, err := a.Auth.CreateAPIKey(ctx, auth.CreateAPIKeyParams{WorkspaceID: wsID, Name: "demo", By: cliActor})
	if err != nil {
		return err
	}
	// Connect the workspace to the simulated Whop company with that key;
	// connecting queues the first sync, which the job queue runs as soon as
	// the server starts.
	admin := &auth.Principal{WorkspaceID: wsID, APIKeyID: &k.ID, Role: auth.RoleAdmin, Name: k.Name}
	if _, err := a.Whop.ConnectAPIKey(ctx, admin, whopsync.ConnectAPIKeyParams{APIKey: simAPIKey, CompanyID: simCompanyID, WebhookSecret: simWebhookSecret}); err != nil {
		return fmt.Errorf("connect the Whop simulator: %w", err)
	}
	fmt.Fprintf(out, "\nDemo workspace %s (connected to a simulated Whop company, %s)\n"+
		"  admin login:     %s / %s\n  API key:         %s\n"+
		"  Whop company:    %s\n  webhook URL:     %s\n  webhook secret:  %s\n"+
		"  outgoing:        Settings → Webhooks posts record events to %s in this process\n"+
		"  try:             curl -H 'Authorization: Bearer %s' %s/rest/people\n\n",
		wsID, a.Config.WhopAPIBaseURL, demoEmail, demoPassword, key,
		simCompanyID, a.Whop.WebhookURL(wsID), simWebhookSecret, demoReceiverPath, key, a.Config.BaseURL)
	return nil
}

// seedTeam gives the demo admin a teammate and an open invite, made through
// the auth service as an admin would, so Settings -> Members and the audit
// log show them (member.added, invite.sent).
func (a *App) seedTeam(ctx context.Context, wsID string) error {
	ms, err := a.Auth.ListMembers(ctx, wsID)
	if err != nil || len(ms) == 0 {
		return fmt.Errorf("demo: the admin: %w", err)
	}
	by := audit.Member(ms[0].ID, ms[0].Name)
	if _, err := a.Auth.AddMember(ctx, auth.AddMemberParams{WorkspaceID: wsID, Email: "sam@demo.roster.test", Name: "Sam Seller",
		Password: demoPassword, Role: auth.RoleMember, By: by}); err != nil {
		return err
	}
	in, token, err := a.Auth.CreateInvite(ctx, auth.CreateInviteParams{WorkspaceID: wsID, Email: "teammate@demo.roster.test", Role: auth.RoleMember, CreatedBy: &ms[0].UserID, By: by})
	if err != nil {
		return err
	}
	link := strings.TrimRight(a.Config.BaseURL, "/") + "/invite/" + token
	_, err = a.Auth.SendInvite(ctx, auth.SendInviteParams{Invite: in, Token: token, Link: link, InvitedBy: ms[0].Name})
	return err
}

// demoWorkspaceID finds the demo workspace, "" before the first run.
func (a *App) demoWorkspaceID(ctx context.Context) (string, error) {
	list, err := a.Store.WorkspaceList(ctx)
	if err != nil {
		return "", err
	}
	for _, w := range list {
		if w.Name == demoWorkspace {
			return w.ID, nil
		}
	}
	return "", nil
}

// seedWebhook makes sure the demo workspace has an outgoing webhook to the
// receiver in this process (demoReceiver), so Settings -> Webhooks shows a
// delivery log: the sample records, then the simulated Whop company's
// members as the sync brings them in.
func (a *App) seedWebhook(ctx context.Context, wsID string) error {
	key := "demo"
	admin := &auth.Principal{WorkspaceID: wsID, APIKeyID: &key, Role: auth.RoleAdmin, Name: "Demo"}
	pg, err := a.Webhooks.List(ctx, admin, webhooks.ListParams{})
	if err != nil || pg.TotalCount > 0 {
		return err
	}
	_, err = a.Webhooks.Create(ctx, admin, webhooks.CreateParams{
		TargetURL:   demoReceiverURL(a.Config.Addr),
		Operations:  []string{"person.created", "person.updated", "opportunity.*"},
		Description: "Demo receiver inside this process (serve --demo)",
	})
	if err != nil {
		return fmt.Errorf("demo webhook: %w", err)
	}
	return nil
}

// seedRecords writes a small, plausible book of business.
func seedRecords(ctx context.Context, svc *records.Service, workspaceID string) error {
	actor := crm.Actor{Source: crm.SourceSystem, Name: "Demo"}
	companies := []crm.Input{
		{"name": "Pickaxe Analytics", "domainName": map[string]any{"primaryLinkUrl": "https://pickaxe.example"}, "employees": 12},
		{"name": "Northwind Traders", "domainName": map[string]any{"primaryLinkUrl": "https://northwind.example"}, "employees": 85},
		{"name": "Blue Lantern Media", "domainName": map[string]any{"primaryLinkUrl": "https://bluelantern.example"}, "employees": 4},
	}
	cs, err := svc.Create(ctx, records.CreateParams{WorkspaceID: workspaceID, Object: crm.CompanyObject, Actor: actor, Inputs: companies})
	if err != nil {
		return err
	}
	first := []string{"Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Tim", "Barbara", "Dennis", "Frances"}
	last := []string{"Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Berners-Lee", "Liskov", "Ritchie", "Allen"}
	var people []crm.Input
	for i := range first {
		people = append(people, crm.Input{
			"name":      map[string]any{"firstName": first[i], "lastName": last[i]},
			"emails":    map[string]any{"primaryEmail": fmt.Sprintf("%s.%s@example.com", first[i], last[i])},
			"city":      []string{"London", "New York", "Berlin", "Lisbon"}[i%4],
			"jobTitle":  []string{"Founder", "Head of Growth", "Engineer"}[i%3],
			"companyId": cs[i%len(cs)].Meta().ID,
		})
	}
	ps, err := svc.Create(ctx, records.CreateParams{WorkspaceID: workspaceID, Object: crm.PersonObject, Actor: actor, Inputs: people})
	if err != nil {
		return err
	}
	var opps []crm.Input
	for i, p := range ps {
		opps = append(opps, crm.Input{
			"name":             fmt.Sprintf("Annual plan - %s", p.(*crm.Person).Name.FirstName),
			"stage":            crm.DefaultStages[i%len(crm.DefaultStages)],
			"amount":           map[string]any{"amountMicros": int64(49+i*10) * 1_000_000, "currencyCode": "USD"},
			"pointOfContactId": p.Meta().ID,
			"companyId":        *p.(*crm.Person).CompanyID,
		})
	}
	_, err = svc.Create(ctx, records.CreateParams{WorkspaceID: workspaceID, Object: crm.OpportunityObject, Actor: actor, Inputs: opps})
	return err
}
