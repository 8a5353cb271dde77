package workflow

import (
	"context"

	"github.com/roster-crm/roster/internal/crm"
)

// MANUAL: settings {objectType} (optional). A run starts from
// runWorkflowVersion with a payload: the records it names ({"recordIds":
// [...]} or {"recordId": ...}) become {{trigger.object}} (the first) and
// {{trigger.objects}}; other keys of the payload pass through as they are.
// Without objectType the payload is free-form.

type manualTrigger struct{}

func (manualTrigger) check(ctx context.Context, s *Service, workspaceID string, t *Trigger) error {
	name, err := settingString(t, "objectType")
	if err != nil || name == "" {
		return err
	}
	if _, ok := crm.ObjectByName(name); !ok {
		return triggerErr("objectType", crm.CodeInvalidEnum, "unknown object %q (person, company, opportunity, note or task)", name)
	}
	return nil
}

func (manualTrigger) schema(ctx context.Context, s *Service, workspaceID string, t *Trigger) (*Schema, error) {
	name, _ := settingString(t, "objectType")
	o, ok := crm.ObjectByName(name)
	if !ok {
		return OpenObject("payload"), nil
	}
	cs, err := s.records.Schema(ctx, workspaceID, o)
	if err != nil {
		return nil, err
	}
	rec := RecordSchema(cs)
	return Object(map[string]*Schema{"object": rec, "objects": ArrayOf(rec), "recordIds": ArrayOf(Scalar(TypeString))}), nil
}
