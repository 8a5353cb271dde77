package contracts

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/workflow"
)

// SendAction is the workflow step SEND_CONTRACT {templateId, personId |
// opportunityId, companyId, signers, provider, expiresInDays, message} ->
// {contractId, status}. signers is a list of {name, email, role, order},
// fixed or from record fields ({{trigger.object.emails.primaryEmail}}); left
// out, the person (or the opportunity's point of contact) signs a
// one-role template. The run's idempotency key travels with the contract,
// so a step retried after a crash does not send twice.
func SendAction(s *Service) workflow.Action { return &sendAction{s: s} }

type sendAction struct{ s *Service }

func (*sendAction) Type() string { return "SEND_CONTRACT" }

func (a *sendAction) Validate(ctx context.Context, c *workflow.Check) error {
	tpl, err := c.Text("templateId", true)
	if err != nil {
		return err
	}
	if !strings.Contains(tpl, "{{") {
		if _, err := a.s.Template(ctx, c.WorkspaceID, tpl, 0); err != nil {
			return c.Errorf("templateId", crm.CodeNotFound, "no contract template %q in this workspace", tpl)
		}
	}
	person, err := c.Text("personId", false)
	if err != nil {
		return err
	}
	opp, err := c.Text("opportunityId", false)
	if err != nil {
		return err
	}
	if person == "" && opp == "" {
		return c.Errorf("personId", crm.CodeRequired, "set personId or opportunityId (the record the contract is sent from)")
	}
	for _, f := range []string{"companyId", "message"} {
		if _, err := c.Text(f, false); err != nil {
			return err
		}
	}
	if p, err := c.Text("provider", false); err != nil {
		return err
	} else if p != "" && !strings.Contains(p, "{{") && !slices.Contains(Providers, p) {
		return c.Errorf("provider", crm.CodeInvalidEnum, "provider %q is not one of %s", p, strings.Join(Providers, ", "))
	}
	if v, ok := c.Input("expiresInDays"); ok {
		if f, isNum := v.(float64); isNum && (f != math.Trunc(f) || f < 1 || f > MaxExpiresInDays) {
			return c.Errorf("expiresInDays", crm.CodeInvalidValue, "must be a whole number of days from 1 to %d", MaxExpiresInDays)
		}
	}
	if v, ok := c.Input("signers"); ok {
		list, isList := v.([]any)
		if !isList {
			return c.Errorf("signers", crm.CodeInvalidType, "expected a list of {name, email, role, order}")
		}
		for i, e := range list {
			m, isMap := e.(map[string]any)
			if !isMap {
				return c.Errorf(fmt.Sprintf("signers[%d]", i), crm.CodeInvalidType, "expected {name, email, role, order}")
			}
			for _, k := range []string{"name", "email", "role"} {
				if s, _ := m[k].(string); s == "" {
					return c.Errorf(fmt.Sprintf("signers[%d].%s", i, k), crm.CodeRequired, "is required")
				}
			}
		}
	}
	return nil
}

func (*sendAction) OutputSchema(ctx context.Context, c *workflow.Check) (*workflow.Schema, error) {
	return workflow.Object(map[string]*workflow.Schema{
		"contractId": workflow.Scalar(workflow.TypeString), "status": workflow.Scalar(workflow.TypeString),
	}), nil
}

func (a *sendAction) Execute(ctx context.Context, x *workflow.Exec) (*workflow.Result, error) {
	in := SendInput{TemplateID: workflow.Text(x.Input["templateId"]), Provider: workflow.Text(x.Input["provider"]),
		Message: workflow.Text(x.Input["message"]), Actor: x.Actor, IdempotencyKey: "workflow:" + x.IdempotencyKey}
	for _, f := range []struct {
		key string
		dst **string
	}{{"personId", &in.PersonID}, {"opportunityId", &in.OpportunityID}, {"companyId", &in.CompanyID}} {
		if v := workflow.Text(x.Input[f.key]); v != "" {
			*f.dst = &v
		}
	}
	if f, ok := x.Input["expiresInDays"].(float64); ok {
		d := int(f)
		in.ExpiresInDays = &d
	}
	if list, ok := x.Input["signers"].([]any); ok {
		for _, e := range list {
			m, _ := e.(map[string]any)
			g := SignerInput{Name: workflow.Text(m["name"]), Email: workflow.Text(m["email"]), Role: workflow.Text(m["role"])}
			if o, ok := m["order"].(float64); ok {
				g.Order = int(o)
			}
			in.Signers = append(in.Signers, g)
		}
	}
	c, err := a.s.Send(ctx, x.WorkspaceID, in)
	if err != nil {
		return nil, err
	}
	return &workflow.Result{Output: map[string]any{"contractId": c.ID, "status": c.Status}}, nil
}

// WorkflowEvent turns a committed contract change into what CONTRACT_EVENT
// triggers receive: the contract in the APIs' shape and, for a signer's
// event, that signer.
func (s *Service) WorkflowEvent(ctx context.Context, n Notice) (workflow.ContractEvent, error) {
	c, err := s.Get(ctx, n.WorkspaceID, n.ContractID)
	if err != nil {
		return workflow.ContractEvent{}, err
	}
	e := workflow.ContractEvent{WorkspaceID: n.WorkspaceID, Name: n.Name, Key: n.ContractID + ":" + n.Name + ":" + n.SignerID, Contract: s.JSON(c)}
	for i, g := range c.Signers {
		if g.ID == n.SignerID {
			e.Signer, _ = e.Contract["signers"].([]any)[i].(map[string]any)
		}
	}
	return e, nil
}
