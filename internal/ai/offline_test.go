package ai_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/ai"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// The offline provider answers every action from the record, with no
// network (the default transport and the service's client both fail the
// test on use), and every result and usage row names it.
func TestOfflineActions(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		saved := http.DefaultTransport
		http.DefaultTransport = &noNetwork{t: t}
		t.Cleanup(func() { http.DefaultTransport = saved })
		e := newEnv(t, s, envOpts{})

		sent, err := e.ai.AnalyzeSentiment(e.ctx, e.call, "I am really not happy: the invoice was WRONG again and support ignored me.")
		if err != nil {
			t.Fatal(err)
		}
		if sent.Label != ai.LabelNegative || sent.Score != -0.867 || sent.Confidence != 0.867 || sent.Provider != "offline" || sent.Model != "lexicon-v1" {
			t.Errorf("AnalyzeSentiment() = %+v; want NEGATIVE -0.867 from offline lexicon-v1", sent)
		}

		lead, err := e.ai.ScoreLead(e.ctx, e.call, "person", e.person)
		if err != nil {
			t.Fatal(err)
		}
		wantReasons := []string{
			`+15 job title "VP Sales" is senior`, "+5 work email domain engines.test", "+10 company Analytical Engines is an ideal customer profile",
			"+10 company has 600 employees", "+20 membership is active", "+10 member for 200 days", "+10 3 successful payments",
			"-8 1 failed payment(s)", "+10 activity 0 day(s) ago", "+5 recent notes sound positive (0.77)",
		}
		if lead.Score != 100 || lead.Tier != ai.TierHot || !slices.Equal(lead.Reasons, wantReasons) || lead.Model != "rules-v1" {
			t.Errorf("ScoreLead() = %d %s %q (%s); want 100 HOT %q", lead.Score, lead.Tier, lead.Reasons, lead.Model, wantReasons)
		}

		sum, err := e.ai.SummarizeNotes(e.ctx, e.call, "person", e.person)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Model != "textrank-v1" || !strings.Contains(sum.Summary, "upgrade the whole team") || len(sum.KeyPoints) == 0 {
			t.Errorf("SummarizeNotes() = %+v; want a textrank summary naming the upgrade", sum)
		}
		if !slices.ContainsFunc(sum.KeyPoints, func(p string) bool { return strings.Contains(p, "Next step: send the team pricing by Friday") }) {
			t.Errorf("SummarizeNotes().KeyPoints = %q; want the next step among them", sum.KeyPoints)
		}

		draft, err := e.ai.DraftEmail(e.ctx, e.call, ai.DraftEmailInput{RecordID: e.person, Goal: "offer the team plan", Tone: "formal"})
		if err != nil {
			t.Fatal(err)
		}
		wantBody := "Dear Ada,\n\nIt looks like a recent payment for your membership did not go through, so I wanted to check in.\n\n" +
			"I am writing about the following: offer the team plan.\n\nI would be glad to arrange a short call at your convenience.\n\nKind regards,\nGrace\n"
		if draft.Subject != "Offer the team plan" || draft.Body != wantBody || draft.Model != "template-v1" {
			t.Errorf("DraftEmail() = %q / %q; want %q / %q", draft.Subject, draft.Body, "Offer the team plan", wantBody)
		}

		text, err := e.ai.GenerateText(e.ctx, e.call, ai.GenerateTextInput{Prompt: "Welcome {{name}} to the {{plan}} plan!", Variables: map[string]any{"name": "Ada", "plan": "Pro"}})
		if err != nil {
			t.Fatal(err)
		}
		if text.Text != "Welcome Ada to the Pro plan!" || text.Model != "render-only" || text.Note != ai.OfflineNote {
			t.Errorf("GenerateText() = %+v; want the rendered prompt with the no-model note", text)
		}

		rows := e.usage()
		if len(rows) != 5 {
			t.Fatalf("usage rows = %d; want 5", len(rows))
		}
		wantActions := []string{ai.ActionAnalyzeSentiment, ai.ActionScoreLead, ai.ActionSummarizeNotes, ai.ActionDraftEmail, ai.ActionGenerateText}
		for i, r := range rows {
			if r.Action != wantActions[i] || r.Provider != "offline" || r.Status != ai.StatusSuccess || r.CostMicros == nil || *r.CostMicros != 0 ||
				r.InputTokens == 0 || r.OutputTokens == 0 || r.TemplateID != "builtin:"+wantActions[i] || r.Redactions != 0 {
				t.Errorf("usage[%d] = %+v; want a free offline SUCCESS of %s with estimated tokens", i, r, wantActions[i])
			}
		}
		if sent.UsageID != rows[0].ID || text.UsageID != rows[4].ID {
			t.Errorf("results' usage IDs %s, %s; want %s, %s", sent.UsageID, text.UsageID, rows[0].ID, rows[4].ID)
		}
	})
}

// Bad input is refused, names the field, and writes no usage row.
func TestActionInputErrors(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{})
		for _, tc := range []struct {
			name, field string
			run         func() error
		}{
			{"empty text", "text", func() error { _, err := e.ai.AnalyzeSentiment(e.ctx, e.call, "  "); return err }},
			{"bad object", "objectName", func() error { _, err := e.ai.ScoreLead(e.ctx, e.call, "task", e.person); return err }},
			{"bad id", "recordId", func() error { _, err := e.ai.ScoreLead(e.ctx, e.call, "person", "nope"); return err }},
			{"no goal", "goal", func() error {
				_, err := e.ai.DraftEmail(e.ctx, e.call, ai.DraftEmailInput{RecordID: e.person})
				return err
			}},
			{"prompt and template", "prompt", func() error {
				_, err := e.ai.GenerateText(e.ctx, e.call, ai.GenerateTextInput{Prompt: "x", TemplateID: "builtin:AI_GENERATE_TEXT"})
				return err
			}},
			{"missing variable", "variables", func() error {
				_, err := e.ai.GenerateText(e.ctx, e.call, ai.GenerateTextInput{Prompt: "Hi {{name}}"})
				return err
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := tc.run()
				ce, ok := crm.AsError(err)
				if !ok || !errors.Is(err, crm.ErrInvalid) || ce.Field != tc.field {
					t.Fatalf("error = %v; want invalid %s", err, tc.field)
				}
			})
		}
		_, err := e.ai.ScoreLead(e.ctx, e.call, "person", crm.NewID())
		if !errors.Is(err, crm.ErrNotFound) {
			t.Errorf("ScoreLead(unknown) = %v; want not found", err)
		}
		if n := len(e.usage()); n != 0 {
			t.Errorf("usage rows after bad input = %d; want 0", n)
		}
	})
}
