package workflow

import (
	"context"
	"database/sql"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// CONTRACT_EVENT: settings {eventName: contract.sent | viewed | signed |
// declined | expired | voided}. Fired after a contract change commits
// (contracts.Service tells ContractEvent), once per event. Variables:
// {{trigger.contract.*}} (the contract in the APIs' shape: id, name,
// status, personId, opportunityId, signers, finalSha256, signedPdfUrl...),
// {{trigger.signer.*}} for a signer's view, signature or decline, and
// {{trigger.eventName}}.

// ContractEventNames are the contract events a trigger can name.
var ContractEventNames = []string{"contract.sent", "contract.viewed", "contract.signed", "contract.declined", "contract.expired", "contract.voided"}

type contractEventTrigger struct{}

func (contractEventTrigger) check(ctx context.Context, s *Service, workspaceID string, t *Trigger) error {
	name, err := settingString(t, "eventName")
	if err != nil {
		return err
	}
	if !oneOf(name, ContractEventNames...) {
		return triggerErr("eventName", crm.CodeInvalidEnum, "eventName %q is not one of %s", name, strings.Join(ContractEventNames, ", "))
	}
	return nil
}

func (contractEventTrigger) schema(ctx context.Context, s *Service, workspaceID string, t *Trigger) (*Schema, error) {
	return Object(map[string]*Schema{
		"eventName": Scalar(TypeString),
		"contract":  OpenObject("contract"),
		"signer":    OpenObject("contract signer"),
	}), nil
}

// ContractEvent is one committed contract change, as CONTRACT_EVENT
// triggers receive it.
type ContractEvent struct {
	WorkspaceID string
	// Name is one of ContractEventNames.
	Name string
	// Key identifies the event: runs are unique per version and key, so a
	// repeated notice starts nothing twice.
	Key      string
	Contract map[string]any
	Signer   map[string]any
}

// ContractEvent starts the runs of the active CONTRACT_EVENT versions that
// name the event, in one transaction.
func (s *Service) ContractEvent(ctx context.Context, e ContractEvent) error {
	versions, err := s.store.WorkflowVersionsActive(ctx, nil, &store.WorkflowVersionsActiveParams{WorkspaceID: e.WorkspaceID,
		TriggerType: TriggerContractEvent, EventNames: []string{e.Name}})
	if err != nil || len(versions) == 0 {
		return err
	}
	payload := map[string]any{"eventName": e.Name, "contract": e.Contract, "signer": e.Signer}
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		for _, v := range versions {
			if _, err := s.startRun(ctx, tx, startParams{version: v, payload: payload, eventKey: "contract:" + e.Key, depth: 1,
				actor: crm.Actor{Source: crm.SourceWorkflow, Name: "Contracts"}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return errorf("start runs for a contract event", err)
	}
	return nil
}
