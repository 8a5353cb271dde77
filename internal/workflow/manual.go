package workflow

import (
	"context"
	"encoding/json"

	"github.com/roster-crm/roster/internal/store"
)

// ManualWorkflow is an active workflow that can be run by hand on a record
// (or a selection of records) of an object.
type ManualWorkflow struct {
	WorkflowID string `json:"workflowId"`
	VersionID  string `json:"workflowVersionId"`
	Name       string `json:"name"`
	// ObjectType is the object the trigger names, or "" for a workflow that
	// runs on its own (offered everywhere, the record handed over anyway).
	ObjectType string `json:"objectType"`
}

// ManualWorkflows lists the active MANUAL workflows a record of object can
// be run through: those whose objectType is the object, and global ones.
func (s *Service) ManualWorkflows(ctx context.Context, workspaceID, object string) ([]ManualWorkflow, error) {
	versions, err := s.store.WorkflowVersionsActive(ctx, nil, &store.WorkflowVersionsActiveParams{WorkspaceID: workspaceID, TriggerType: TriggerManual})
	if err != nil {
		return nil, err
	}
	var out []ManualWorkflow
	for _, v := range versions {
		var t Trigger
		if json.Unmarshal(v.Trigger, &t) != nil {
			continue
		}
		objectType, _ := settingString(&t, "objectType")
		if objectType != "" && objectType != object {
			continue
		}
		w, err := s.store.WorkflowGet(ctx, nil, workspaceID, v.WorkflowID)
		if err != nil {
			return nil, err
		}
		out = append(out, ManualWorkflow{WorkflowID: w.ID, VersionID: v.ID, Name: w.Name, ObjectType: objectType})
	}
	return out, nil
}
