package app

import (
	"context"
	"fmt"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/workflow"
)

// demoVIPWorkflow is the demo's manual workflow, offered on people's pages.
const demoVIPWorkflow = "Mark as VIP"

// seedWorkflows gives the demo workspace every template, active (so the
// Whop events of the simulated company and company owner changes run
// them), a manual workflow on people's pages, and a few runs of the
// welcome template on sample memberships, so Automations shows runs from
// the first minute. It goes through the workflow service like the UI.
func (a *App) seedWorkflows(ctx context.Context, wsID string) error {
	if a.Workflows == nil {
		return nil
	}
	actor := crm.Actor{Source: crm.SourceSystem, Name: "Demo"}
	var welcome string
	for _, t := range workflow.Templates() {
		_, v, err := a.Workflows.CreateFromTemplate(ctx, wsID, t.Key)
		if err != nil {
			return fmt.Errorf("demo workflow %s: %w", t.Key, err)
		}
		if _, err := a.Workflows.ActivateVersion(ctx, wsID, v.ID); err != nil {
			return fmt.Errorf("demo workflow %s: %w", t.Key, err)
		}
		if t.Key == "welcome-member" {
			welcome = v.ID
		}
	}
	w, err := a.Workflows.CreateWorkflow(ctx, wsID, workflow.CreateWorkflowInput{Name: demoVIPWorkflow,
		Description: "Run by hand from a person's page: sets their job title to VIP and adds a note."})
	if err != nil {
		return err
	}
	drafts, err := a.Workflows.Versions(ctx, wsID, workflow.VersionFilter{WorkflowID: w.ID, Status: workflow.VersionDraft}, workflow.ListParams{First: 1})
	if err != nil || len(drafts.Items) == 0 {
		return fmt.Errorf("demo workflow %s: no draft (%v)", demoVIPWorkflow, err)
	}
	v, err := a.Workflows.UpdateVersion(ctx, wsID, drafts.Items[0].ID, workflow.VersionInput{
		Trigger: []byte(`{"type":"MANUAL","settings":{"objectType":"person"}}`),
		Steps: []byte(`[
{"id":"vip","name":"Set job title","type":"UPDATE_RECORD","valid":true,"settings":{"input":{"objectName":"person","objectRecordId":"{{trigger.object.id}}","objectRecord":{"jobTitle":"VIP"},"fieldsToUpdate":["jobTitle"]}},"nextStepIds":[]},
{"id":"note","name":"Note why","type":"CREATE_RECORD","valid":true,"settings":{"input":{"objectName":"note","objectRecord":{"title":"{{trigger.object.name.firstName}} is a VIP now"}}},"nextStepIds":[]}
]`)})
	if err != nil {
		return err
	}
	if _, err := a.Workflows.ActivateVersion(ctx, wsID, v.ID); err != nil {
		return fmt.Errorf("demo workflow %s: %w", demoVIPWorkflow, err)
	}
	schema, err := a.Records.Schema(ctx, wsID, crm.OpportunityObject)
	if err != nil {
		return err
	}
	opps, err := a.Records.List(ctx, wsID, schema, crm.ListParams{First: 3})
	if err != nil {
		return err
	}
	for _, o := range opps.Records {
		payload, err := a.Workflows.SamplePayload(ctx, wsID, welcome, o.Meta().ID)
		if err != nil {
			return err
		}
		if _, err := a.Workflows.RunVersion(ctx, wsID, actor, welcome, payload); err != nil {
			return fmt.Errorf("demo run: %w", err)
		}
	}
	return nil
}
