// Package ai runs Roster's five AI actions (AI_GENERATE_TEXT,
// AI_ANALYZE_SENTIMENT, AI_SCORE_LEAD, AI_DRAFT_EMAIL, AI_SUMMARIZE_NOTES) on
// one of three providers behind the Provider interface: OpenAI's Chat
// Completions (and any OpenAI-compatible server through OPENAI_BASE_URL),
// Anthropic's Messages API, and an offline provider that needs no network.
//
// An action builds its prompt from a prompt template (a built-in default or
// a workspace's saved version) and the record it is about, asks the
// provider for output matching the action's JSON schema, validates that
// output locally (code fences stripped, one bounded re-ask, then
// ErrInvalidOutput), and writes one usage row per call whatever happened,
// with tokens, cost from the price table, latency and status. A workspace's
// monthly budget and rate limit are checked before any provider is called.
//
// CRM text is data, never instructions: it goes only into the user message,
// inside <crm_data> delimiters whose closing tag is neutralised, and the
// system message says so. Emails and phone numbers are replaced by
// placeholders before a cloud call and put back into drafts.
//
// The offline provider is honest about what it is: a lexicon scorer for
// sentiment, explainable rules for lead scores, sentence ranking for
// summaries, a template for drafts, and for free text the rendered template
// with a note that no model was used. Every result names its provider and
// model.
package ai
