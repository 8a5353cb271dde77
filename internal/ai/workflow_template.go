package ai

import (
	"encoding/json"

	"github.com/roster-crm/roster/internal/workflow"
)

// UnhappyMemberTemplate is the workflow template that uses AI: a new note
// is analysed for sentiment, and a negative one gets a task "Follow up:
// unhappy member" for the note's author (people have no owner of their
// own in Roster; the teammate who wrote the note knows the member). It
// runs on any provider, the offline lexicon included.
var UnhappyMemberTemplate = workflow.Template{
	Key:         "ai-unhappy-member",
	Name:        "Flag unhappy members (AI)",
	Description: "When a note is added: AI sentiment analysis, and for a negative note a follow-up task for its author.",
	Trigger:     json.RawMessage(`{"type":"DATABASE_EVENT","settings":{"eventName":"note.created"},"nextStepIds":["sentiment"]}`),
	Steps: json.RawMessage(`[
{"id":"sentiment","name":"AI: analyse the note's sentiment","type":"AI_ANALYZE_SENTIMENT","valid":true,"settings":{"input":{
  "text":"{{trigger.object.title}}. {{trigger.object.bodyV2.markdown}}"}},"nextStepIds":["negative"]},
{"id":"negative","name":"If the note is negative","type":"IF_ELSE","valid":true,"settings":{"input":{
  "stepFilterGroups":[{"id":"isNegative","logicalOperator":"AND"}],
  "stepFilters":[{"id":"label","stepFilterGroupId":"isNegative","stepOutputKey":"{{sentiment.label}}","operand":"is","value":"NEGATIVE"}],
  "branches":[{"id":"unhappy","filterGroupId":"isNegative","nextStepIds":["followUp"]}]}},"nextStepIds":[]},
{"id":"followUp","name":"Task: follow up","type":"CREATE_RECORD","valid":true,"settings":{"input":{"objectName":"task","objectRecord":{
  "title":"Follow up: unhappy member","status":"TODO","assigneeId":"{{trigger.object.createdBy.workspaceMemberId}}",
  "bodyV2":{"markdown":"The note \"{{trigger.object.title}}\" reads negative (score {{sentiment.score}}, by {{sentiment.provider}} {{sentiment.model}}). Reach out before the member leaves."}}}},"nextStepIds":[]}
]`),
}

// RegisterTemplates offers the AI workflow templates beside the built-in
// ones; call it where RegisterSteps is called.
func RegisterTemplates() {
	workflow.RegisterTemplate(UnhappyMemberTemplate)
}
