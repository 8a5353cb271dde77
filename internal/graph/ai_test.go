package graph_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/ai"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/graph"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// newAIEnv is an endpoint with the AI service on the offline provider.
func newAIEnv(t *testing.T, s *store.Store) (*env, *records.Service) {
	t.Helper()
	sealer, err := secret.NewSealer(secret.Key{Bytes: bytes.Repeat([]byte{5}, secret.KeySize)})
	if err != nil {
		t.Fatal(err)
	}
	recs := records.New(records.Config{Store: s})
	logged := &bytes.Buffer{}
	svc := ai.New(ai.Config{Store: s, Records: recs, Sealer: sealer})
	h := graph.NewHandler(graph.Config{Records: recs, AI: svc, Logger: slog.New(slog.NewTextHandler(logged, nil))})
	return &env{h: h, s: s, wsA: newWorkspace(t, s, "A"), wsB: newWorkspace(t, s, "B"), logged: logged}, recs
}

func TestAIMutations(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e, recs := newAIEnv(t, s)
		people, err := recs.Create(t.Context(), records.CreateParams{WorkspaceID: e.wsA, Object: crm.PersonObject, Actor: crm.Actor{Source: crm.SourceAPI},
			Inputs: []crm.Input{{"name": map[string]any{"firstName": "Ada"}, "jobTitle": "Founder", "emails": map[string]any{"primaryEmail": "ada@engines.test"}}}})
		if err != nil {
			t.Fatal(err)
		}
		id := people[0].Meta().ID
		got := e.ok(t, `mutation($id: ID!) {
  s: aiAnalyzeSentiment(text: "Thanks, this is great!") { label score confidence provider model usageId }
  l: aiScoreLead(objectName: "person", recordId: $id) { score tier reasons provider model usageId }
  d: aiDraftEmail(recordId: $id, goal: "book a demo", tone: "friendly") { subject body provider model }
  n: aiSummarizeNotes(objectName: "person", recordId: $id) { summary keyPoints model }
  g: aiGenerateText(prompt: "Hi {{name}}", variables: {name: "Ada"}) { text note provider model usageId }
}`, map[string]any{"id": id})
		checkPaths(t, got, map[string]any{
			"s.label": "POSITIVE", "s.provider": "offline", "s.model": "lexicon-v1",
			"l.tier": "WARM", "l.model": "rules-v1", "d.subject": "Book a demo", "d.model": "template-v1",
			"n.summary": "There are no notes on Ada yet.", "n.model": "textrank-v1",
			"g.text": "Hi Ada", "g.note": ai.OfflineNote, "g.model": "render-only",
		})
		if !strings.HasPrefix(str(got, "d.body"), "Hi Ada!") || str(got, "s.usageId") == "" {
			t.Errorf("draft body = %q, usageId %q", str(got, "d.body"), str(got, "s.usageId"))
		}

		usage := e.ok(t, `{ aiUsageRecords(orderBy: {createdAt: AscNullsFirst}) { action provider model status costMicros inputTokens }
  aiUsageSummary(groupBy: ACTION) { key calls costMicros } }`, nil)
		if at(usage, "aiUsageRecords.0.action") != "AI_ANALYZE_SENTIMENT" || at(usage, "aiUsageRecords.4.action") != "AI_GENERATE_TEXT" ||
			at(usage, "aiUsageRecords.0.costMicros") != int64(0) || at(usage, "aiUsageRecords.0.status") != "SUCCESS" {
			t.Errorf("aiUsageRecords = %v", at(usage, "aiUsageRecords"))
		}
		if groups, _ := at(usage, "aiUsageSummary").([]any); len(groups) != 5 || at(usage, "aiUsageSummary.0.key") != "AI_ANALYZE_SENTIMENT" {
			t.Errorf("aiUsageSummary = %v; want one group per action", groups)
		}

		// Errors name the field; another workspace's record is not found.
		bad := e.do(t, apiKey(e.wsA), `mutation { aiScoreLead(objectName: "task", recordId: "x") { score } }`, nil)
		if len(bad.Errors) == 0 || bad.Errors[0].Extensions["field"] != "objectName" {
			t.Errorf("aiScoreLead(task) errors = %v; want one on objectName", bad.Errors)
		}
		other := e.do(t, apiKey(e.wsB), `mutation($id: ID!) { aiScoreLead(objectName: "person", recordId: $id) { score } }`, map[string]any{"id": id})
		if other.code() != "NOT_FOUND" {
			t.Errorf("aiScoreLead from another workspace = %v; want NOT_FOUND", other.Errors)
		}
	})
}

func TestAISettingsAndTemplates(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e, _ := newAIEnv(t, s)
		set := e.ok(t, `mutation { updateAISettings(data: {provider: "openai", model: "gpt-4o-mini", apiKey: "sk-ws-SECRET-9876", monthlyBudgetUsd: 25, redactPii: false}) {
  provider model hasApiKey apiKeyHint effectiveProvider effectiveModel monthlyBudgetUsd ratePerMinute redactPii } }`, nil)
		checkPaths(t, set, map[string]any{"updateAISettings.provider": "openai", "updateAISettings.hasApiKey": true, "updateAISettings.apiKeyHint": "…9876",
			"updateAISettings.effectiveModel": "gpt-4o-mini", "updateAISettings.monthlyBudgetUsd": 25.0, "updateAISettings.redactPii": false, "updateAISettings.ratePerMinute": int64(60)})
		if strings.Contains(e.logged.String(), "SECRET") {
			t.Error("the key was logged")
		}
		if r := e.do(t, member(e.wsA), `{ aiSettings { provider } }`, nil); r.code() != "FORBIDDEN" {
			t.Errorf("aiSettings as a member = %v; want FORBIDDEN", r.Errors)
		}
		if r := e.do(t, apiKey(e.wsA), `mutation { updateAISettings(data: {provider: "gemini"}) { provider } }`, nil); len(r.Errors) == 0 || r.Errors[0].Extensions["field"] != "provider" {
			t.Errorf("updateAISettings(gemini) = %v; want an error on provider", r.Errors)
		}

		saved := e.ok(t, `mutation { saveAIPromptTemplate(data: {id: "builtin:AI_DRAFT_EMAIL", name: "Short drafts", action: "AI_DRAFT_EMAIL",
  system: "Write three sentences.", user: "Goal: {{goal}} for {{person.firstName}}"}) { id version name action } }`, nil)
		tid := str(saved, "saveAIPromptTemplate.id")
		if tid == "" || strings.HasPrefix(tid, "builtin:") || at(saved, "saveAIPromptTemplate.version") != int64(1) {
			t.Fatalf("saveAIPromptTemplate = %v; want a copy at version 1", saved)
		}
		again := e.ok(t, `mutation($id: ID!) { saveAIPromptTemplate(data: {id: $id, name: "Short drafts", action: "AI_DRAFT_EMAIL", system: "Two sentences.", user: "{{goal}}"}) { version } }`, map[string]any{"id": tid})
		if at(again, "saveAIPromptTemplate.version") != int64(2) {
			t.Errorf("second save = %v; want version 2", again)
		}
		bad := e.do(t, apiKey(e.wsA), `mutation { saveAIPromptTemplate(data: {name: "x", action: "AI_SCORE_LEAD", system: "Hi {{person.name}}", user: "x"}) { id } }`, nil)
		if len(bad.Errors) == 0 || bad.Errors[0].Extensions["field"] != "system" {
			t.Errorf("template with a variable in system = %v; want an error on system", bad.Errors)
		}
		list := e.ok(t, `{ aiPromptTemplates { id version action variables } }`, nil)
		ts, _ := at(list, "aiPromptTemplates").([]any)
		if len(ts) != 6 || at(list, "aiPromptTemplates.5.id") != tid || at(list, "aiPromptTemplates.5.version") != int64(2) {
			t.Errorf("aiPromptTemplates = %v; want 5 built-ins and the saved one at version 2", ts)
		}
		if other := e.ok2(t, e.wsB, `{ aiPromptTemplates { id } }`); len(other) != 5 {
			t.Errorf("workspace B templates = %d; want only the 5 built-ins", len(other))
		}
	})
}

// ok2 runs a query as workspace ws and returns aiPromptTemplates.
func (e *env) ok2(t *testing.T, ws, q string) []any {
	t.Helper()
	r := e.do(t, apiKey(ws), q, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %v", r.Errors)
	}
	list, _ := at(r.Data, "aiPromptTemplates").([]any)
	return list
}
