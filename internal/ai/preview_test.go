package ai_test

import (
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/ai"
	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// A preview renders the template for the record as a call would (data in
// delimiters, emails redacted for a cloud provider), estimates tokens and
// the worst-case cost, and sends and records nothing.
func TestPreview(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{cfg: config.AI{Provider: "openai", OpenAIAPIKey: "sk-test-preview", MaxTokens: 1024}})
		tpl := ai.Template{Action: ai.ActionDraftEmail, Name: "Short", System: "Write two sentences.", User: "Goal: {{goal}}\nTo: {{person.name}} <{{person.email}}>\n{{notes}}"}
		p, err := e.ai.Preview(e.ctx, e.ws, ai.PreviewParams{Template: tpl, ObjectName: "person", RecordID: e.person, Goal: "renewal"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p.User, "To: Ada Lovelace <[EMAIL_1]>") || !strings.HasPrefix(p.User, "<crm_data>") || !strings.Contains(p.User, "upgrade the whole team") {
			t.Errorf("preview user = %q", p.User)
		}
		wantIn := int64((len(p.System) + len(p.User) + 3) / 4)
		// gpt-4.1-mini: $0.40 in, $1.60 out per million; 1024 output tokens at most.
		if p.InputTokens != wantIn || p.MaxOutputTokens != 1024 || p.CostMicros == nil || *p.CostMicros != int64(float64(wantIn)*0.4+1024*1.6+0.5) || p.Model != "gpt-4.1-mini" {
			t.Errorf("preview = %d tokens, cap %d, cost %v, model %s", p.InputTokens, p.MaxOutputTokens, p.CostMicros, p.Model)
		}
		if n := len(e.usage()); n != 0 {
			t.Errorf("usage rows after a preview = %d; want 0", n)
		}
	})
}
