package workflow

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/roster-crm/roster/internal/crm"
)

// Template is a ready-made workflow for a Whop seller to start from: a name,
// a description and the trigger and steps of its first version. Templates
// live here rather than in a surface so the web UI, GraphQL and the demo
// offer the same ones; each must pass activation as it is (a test checks).
type Template struct {
	Key         string          `json:"key"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Trigger     json.RawMessage `json:"trigger"`
	Steps       json.RawMessage `json:"steps"`
}

// The templates' definitions, in Twenty's JSON. Steps without nextStepIds
// run one after another in array order.
var templates = []Template{
	{
		Key:         "welcome-member",
		Name:        "Welcome a new member",
		Description: "When a Whop membership becomes active: a task to say hello and a welcome email to the member.",
		Trigger:     json.RawMessage(`{"type":"WHOP_EVENT","settings":{"eventName":"membership.activated"}}`),
		Steps: json.RawMessage(`[
{"id":"welcomeTask","name":"Task: say hello","type":"CREATE_RECORD","valid":true,"settings":{"input":{"objectName":"task","objectRecord":{
  "title":"Say hello to {{trigger.person.name.firstName}} {{trigger.person.name.lastName}} (new member)","status":"TODO",
  "bodyV2":{"markdown":"{{trigger.person.emails.primaryEmail}} just joined ({{trigger.opportunity.name}}). A personal hello in the first day keeps members."}}}},"nextStepIds":[]},
{"id":"welcomeEmail","name":"Email: welcome","type":"SEND_EMAIL","valid":true,"settings":{"input":{
  "to":"{{trigger.person.emails.primaryEmail}}","subject":"Welcome aboard, {{trigger.person.name.firstName}}!",
  "body":"Hi {{trigger.person.name.firstName}},\n\nThanks for joining. Reply to this email if anything is unclear: a person reads every answer.\n\nYou can manage your membership here: {{trigger.opportunity.whopManageUrl}}"}},"nextStepIds":[]}
]`),
	},
	{
		Key:         "failed-payment",
		Name:        "Failed payment follow-up",
		Description: "When a payment fails: an email asking the member to update their card, then, 2 days later, a task for you if the membership is still unpaid.",
		Trigger:     json.RawMessage(`{"type":"WHOP_EVENT","settings":{"eventName":"payment.failed"}}`),
		Steps: json.RawMessage(`[
{"id":"paymentEmail","name":"Email: update your card","type":"SEND_EMAIL","valid":true,"settings":{"input":{
  "to":"{{trigger.person.emails.primaryEmail}}","subject":"Your payment did not go through",
  "body":"Hi {{trigger.person.name.firstName}},\n\nYour last payment failed. Please update your card so you keep your access: {{trigger.opportunity.whopManageUrl}}"}},"nextStepIds":[]},
{"id":"wait2Days","name":"Wait 2 days","type":"DELAY","valid":true,"settings":{"input":{"delayType":"DURATION","duration":{"days":2}}},"nextStepIds":[]},
{"id":"membership","name":"Find the membership again","type":"FIND_RECORDS","valid":true,"settings":{"input":{
  "objectName":"opportunity","filter":{"id":{"eq":"{{trigger.opportunity.id}}"}},"limit":1}},"nextStepIds":[]},
{"id":"stillUnpaid","name":"Only if still unpaid","type":"FILTER","valid":true,"settings":{"input":{
  "stepFilterGroups":[{"id":"unpaid","logicalOperator":"AND"}],
  "stepFilters":[{"id":"status","stepFilterGroupId":"unpaid","stepOutputKey":"{{membership.records.0.whopMembershipStatus}}","operand":"is","value":"[\"past_due\",\"unresolved\"]"}]}},"nextStepIds":[]},
{"id":"unpaidTask","name":"Task: reach out","type":"CREATE_RECORD","valid":true,"settings":{"input":{"objectName":"task","objectRecord":{
  "title":"Payment still failing: {{trigger.person.name.firstName}} {{trigger.person.name.lastName}}","status":"TODO",
  "bodyV2":{"markdown":"The payment of {{trigger.person.emails.primaryEmail}} failed 2 days ago and the membership is still unpaid. A personal message often saves it."}}}},"nextStepIds":[]}
]`),
	},
	{
		Key:         "cancel-rescue",
		Name:        "Cancel-at-period-end rescue",
		Description: "When a member schedules a cancellation: an email asking what would make them stay, and a task to call them before the period ends.",
		Trigger:     json.RawMessage(`{"type":"WHOP_EVENT","settings":{"eventName":"membership.cancel_at_period_end_changed"}}`),
		Steps: json.RawMessage(`[
{"id":"isCanceling","name":"Only when cancellation was turned on","type":"FILTER","valid":true,"settings":{"input":{
  "stepFilterGroups":[{"id":"canceling","logicalOperator":"AND"}],
  "stepFilters":[{"id":"flag","stepFilterGroupId":"canceling","stepOutputKey":"{{trigger.opportunity.whopCancelAtPeriodEnd}}","operand":"is","value":"true"}]}},"nextStepIds":[]},
{"id":"rescueEmail","name":"Email: before you go","type":"SEND_EMAIL","valid":true,"settings":{"input":{
  "to":"{{trigger.person.emails.primaryEmail}}","subject":"Before you go, {{trigger.person.name.firstName}}",
  "body":"Hi {{trigger.person.name.firstName}},\n\nWe saw you will leave at the end of this period. What would have made it worth staying? Just reply: we read everything.\n\nChanged your mind? {{trigger.opportunity.whopManageUrl}}"}},"nextStepIds":[]},
{"id":"rescueTask","name":"Task: call before renewal","type":"CREATE_RECORD","valid":true,"settings":{"input":{"objectName":"task","objectRecord":{
  "title":"Rescue call: {{trigger.person.name.firstName}} {{trigger.person.name.lastName}} cancels at period end","status":"TODO",
  "bodyV2":{"markdown":"Membership ends {{trigger.opportunity.whopRenewalDate}}. Email: {{trigger.person.emails.primaryEmail}}."}}}},"nextStepIds":[]}
]`),
	},
	{
		Key:         "trial-ending",
		Name:        "Trial ending nudge",
		Description: "3 days before a trial ends: an email reminding the member what they get when it converts.",
		Trigger:     json.RawMessage(`{"type":"WHOP_EVENT","settings":{"eventName":"membership.trial_ending_soon","daysBefore":3}}`),
		Steps: json.RawMessage(`[
{"id":"trialEmail","name":"Email: your trial ends soon","type":"SEND_EMAIL","valid":true,"settings":{"input":{
  "to":"{{trigger.person.emails.primaryEmail}}","subject":"Your trial ends in 3 days",
  "body":"Hi {{trigger.person.name.firstName}},\n\nYour trial ends in 3 days and then continues as a paid membership. Questions before then? Reply to this email.\n\nManage your membership: {{trigger.opportunity.whopManageUrl}}"}},"nextStepIds":[]}
]`),
	},
	{
		Key:         "win-back",
		Name:        "Win-back 14 days after churn",
		Description: "14 days after a membership ends: a win-back email, unless the member came back in the meantime.",
		Trigger:     json.RawMessage(`{"type":"WHOP_EVENT","settings":{"eventName":"membership.deactivated"}}`),
		Steps: json.RawMessage(`[
{"id":"wait14Days","name":"Wait 14 days","type":"DELAY","valid":true,"settings":{"input":{"delayType":"DURATION","duration":{"days":14}}},"nextStepIds":[]},
{"id":"membership","name":"Find the membership again","type":"FIND_RECORDS","valid":true,"settings":{"input":{
  "objectName":"opportunity","filter":{"id":{"eq":"{{trigger.opportunity.id}}"}},"limit":1}},"nextStepIds":[]},
{"id":"stillGone","name":"Only if they did not come back","type":"FILTER","valid":true,"settings":{"input":{
  "stepFilterGroups":[{"id":"gone","logicalOperator":"AND"}],
  "stepFilters":[{"id":"status","stepFilterGroupId":"gone","stepOutputKey":"{{membership.records.0.whopMembershipStatus}}","operand":"isNot","value":"[\"active\",\"trialing\"]"}]}},"nextStepIds":[]},
{"id":"winBackEmail","name":"Email: we miss you","type":"SEND_EMAIL","valid":true,"settings":{"input":{
  "to":"{{trigger.person.emails.primaryEmail}}","subject":"We miss you, {{trigger.person.name.firstName}}",
  "body":"Hi {{trigger.person.name.firstName}},\n\nIt has been two weeks. A lot changed since you left; come and have a look: {{trigger.opportunity.whopManageUrl}}"}},"nextStepIds":[]}
]`),
	},
	{
		Key:         "new-lead-assigned",
		Name:        "New lead assigned",
		Description: "When a company gets an account owner: a task for that owner to reach out within a day.",
		Trigger: json.RawMessage(`{"type":"DATABASE_EVENT","settings":{"eventName":"company.updated","fields":["accountOwnerId"],
  "filter":{"accountOwnerId":{"is":"NOT_NULL"}}}}`),
		Steps: json.RawMessage(`[
{"id":"ownerTask","name":"Task for the owner","type":"CREATE_RECORD","valid":true,"settings":{"input":{"objectName":"task","objectRecord":{
  "title":"Reach out to {{trigger.object.name}}","status":"TODO","assigneeId":"{{trigger.object.accountOwnerId}}",
  "bodyV2":{"markdown":"You were made the account owner of {{trigger.object.name}} ({{trigger.object.domainName.primaryLinkUrl}}). Introduce yourself within a day."}}}},"nextStepIds":[]}
]`),
	},
}

// extraTemplates are templates added at start-up by packages that bring
// their own step types (the AI steps): they can only activate where those
// steps are registered, so they are not in the built-in list.
var (
	extraMu        sync.RWMutex
	extraTemplates []Template
)

// RegisterTemplate adds a template whose steps another package provides
// (ai.RegisterSteps). Registering a key again replaces it.
func RegisterTemplate(t Template) {
	extraMu.Lock()
	defer extraMu.Unlock()
	for i, x := range extraTemplates {
		if x.Key == t.Key {
			extraTemplates[i] = t
			return
		}
	}
	extraTemplates = append(extraTemplates, t)
}

// Templates lists the templates to start a workflow from.
func Templates() []Template {
	extraMu.RLock()
	defer extraMu.RUnlock()
	return append(append(make([]Template, 0, len(templates)+len(extraTemplates)), templates...), extraTemplates...)
}

// TemplateByKey returns one template.
func TemplateByKey(key string) (Template, bool) {
	for _, t := range Templates() {
		if t.Key == key {
			return t, true
		}
	}
	return Template{}, false
}

// CreateFromTemplate creates a workflow named after a template with its
// first DRAFT version holding the template's trigger and steps, ready to
// review and activate.
func (s *Service) CreateFromTemplate(ctx context.Context, workspaceID, key string) (*Workflow, *Version, error) {
	t, ok := TemplateByKey(key)
	if !ok {
		return nil, nil, crm.Invalid("template", crm.CodeInvalidEnum, "no template %q", key)
	}
	w, err := s.CreateWorkflow(ctx, workspaceID, CreateWorkflowInput{Name: t.Name, Description: t.Description})
	if err != nil {
		return nil, nil, err
	}
	drafts, err := s.Versions(ctx, workspaceID, VersionFilter{WorkflowID: w.ID, Status: VersionDraft}, ListParams{First: 1})
	if err != nil {
		return nil, nil, err
	}
	if len(drafts.Items) == 0 {
		return nil, nil, errorf("create from template", crm.ErrNotFound)
	}
	v, err := s.UpdateVersion(ctx, workspaceID, drafts.Items[0].ID, VersionInput{Trigger: t.Trigger, Steps: t.Steps})
	if err != nil {
		return nil, nil, err
	}
	return w, v, nil
}
