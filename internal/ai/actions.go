package ai

import "sort"

// The five actions, by their workflow step types.
const (
	ActionGenerateText     = "AI_GENERATE_TEXT"
	ActionAnalyzeSentiment = "AI_ANALYZE_SENTIMENT"
	ActionScoreLead        = "AI_SCORE_LEAD"
	ActionDraftEmail       = "AI_DRAFT_EMAIL"
	ActionSummarizeNotes   = "AI_SUMMARIZE_NOTES"
)

// Sentiment labels and lead tiers.
const (
	LabelPositive = "POSITIVE"
	LabelNeutral  = "NEUTRAL"
	LabelNegative = "NEGATIVE"
	TierHot       = "HOT"
	TierWarm      = "WARM"
	TierCold      = "COLD"
)

// action is what the Service knows of one action: its output schema (nil:
// free text), its default output cap and its built-in template.
type action struct {
	schema    *OutputSchema
	maxTokens int
	template  *Template
}

// ActionNames lists the actions, sorted.
func ActionNames() []string {
	out := make([]string, 0, len(actions))
	for k := range actions {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Schema returns an action's output schema (nil for AI_GENERATE_TEXT,
// whose output is free text).
func Schema(actionName string) *OutputSchema {
	if a, ok := actions[actionName]; ok {
		return a.schema
	}
	return nil
}

var actions = map[string]*action{
	ActionGenerateText: {
		maxTokens: 1024,
		template: &Template{
			Name:   "Generate text",
			System: "You write short, clear business text for a CRM user. Answer with the text only.",
			User:   "Write a short message for {{person.name}}.",
		},
	},
	ActionAnalyzeSentiment: {
		maxTokens: 256,
		schema: &OutputSchema{
			Name: "record_sentiment", Description: "Record the sentiment of the text.",
			Fields: []Field{
				{Name: "label", Type: fieldString, Enum: []string{LabelPositive, LabelNeutral, LabelNegative}},
				{Name: "score", Type: fieldNumber, Description: "-1 is very negative, 1 very positive", Min: bound(-1), Max: bound(1)},
				{Name: "confidence", Type: fieldNumber, Description: "how sure the label is", Min: bound(0), Max: bound(1)},
			},
		},
		template: &Template{
			Name: "Analyse sentiment",
			System: "You classify the sentiment a customer or colleague expresses in a CRM text. " +
				"Label it POSITIVE, NEUTRAL or NEGATIVE, give a score from -1 (very negative) to 1 (very positive) " +
				"and your confidence from 0 to 1. Judge the feeling expressed, not the topic.",
			User: "{{text}}",
		},
	},
	ActionScoreLead: {
		maxTokens: 512,
		schema: &OutputSchema{
			Name: "record_lead_score", Description: "Record the lead score with its reasons.",
			Fields: []Field{
				{Name: "score", Type: fieldInteger, Description: "likelihood to buy or stay", Min: bound(0), Max: bound(100)},
				{Name: "tier", Type: fieldString, Enum: []string{TierHot, TierWarm, TierCold}},
				{Name: "reasons", Type: fieldStrings, Description: "each names the CRM or Whop fact it rests on", NonEmpty: true},
			},
		},
		template: &Template{
			Name: "Score lead",
			System: "You score how likely a CRM lead or member is to buy or keep paying, from 0 to 100, " +
				"and give the tier HOT (70 and up), WARM (40 to 69) or COLD (below 40). " +
				"Give 2 to 6 short reasons, each naming the fact it rests on (job title, company, notes, tasks, " +
				"membership status, tenure, payments, failed payments, cancellation at period end).",
			User: "Record: {{record.name}} ({{record.object}})\nPerson: {{person.name}}, {{person.jobTitle}}, {{person.city}}\n" +
				"Company: {{company.name}} ({{company.employees}} employees, ideal customer profile: {{company.idealCustomerProfile}})\n" +
				"Opportunity: {{opportunity.name}}, stage {{opportunity.stage}}, amount {{opportunity.amount}}\n" +
				"Whop: membership {{whop.membershipStatus}}, {{whop.tenureDays}} days, {{whop.payments}} payments, " +
				"{{whop.failedPayments}} failed, lifetime value {{whop.lifetimeValue}}, cancels at period end: {{whop.cancelAtPeriodEnd}}\n" +
				"Today: {{today}}\nNotes (newest first):\n{{notes}}\nTasks:\n{{tasks}}\nTimeline:\n{{timeline}}",
		},
	},
	ActionDraftEmail: {
		maxTokens: 1024,
		schema: &OutputSchema{
			Name: "record_email_draft", Description: "Record the email draft.",
			Fields: []Field{
				{Name: "subject", Type: fieldString, NonEmpty: true},
				{Name: "body", Type: fieldString, Description: "plain text, with greeting and sign-off", NonEmpty: true},
			},
		},
		template: &Template{
			Name: "Draft email",
			System: "You draft a short email from a CRM user to the contact described in the data, for the goal and " +
				"in the tone given there. Plain text, no more than 150 words, signed with the sender's name. " +
				"Use only facts from the data; do not invent prices, dates or links. This is a draft for a human to edit.",
			User: "Goal: {{goal}}\nTone: {{tone}}\nSender: {{sender.name}}\nContact: {{person.name}} ({{person.jobTitle}}) at {{company.name}}\n" +
				"Opportunity: {{opportunity.name}}, stage {{opportunity.stage}}\nWhop membership: {{whop.membershipStatus}}, " +
				"cancels at period end: {{whop.cancelAtPeriodEnd}}\nRecent notes:\n{{notes}}",
		},
	},
	ActionSummarizeNotes: {
		maxTokens: 512,
		schema: &OutputSchema{
			Name: "record_notes_summary", Description: "Record the summary of the notes.",
			Fields: []Field{
				{Name: "summary", Type: fieldString, Description: "two to four sentences", NonEmpty: true},
				{Name: "keyPoints", Type: fieldStrings, Description: "up to five short points: decisions, problems, next steps"},
			},
		},
		template: &Template{
			Name: "Summarize notes",
			System: "You summarise the CRM notes about one record for a busy colleague: what happened, what matters " +
				"and what comes next. Two to four sentences, then up to five key points.",
			User: "Record: {{record.name}}\nNotes (newest first):\n{{notes}}",
		},
	},
}
