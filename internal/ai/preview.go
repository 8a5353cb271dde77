package ai

import (
	"context"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
)

// Preview is what a template would send for a record, before anything is
// sent: the rendered messages, the estimated input tokens (characters / 4)
// and the worst-case cost (the whole output cap used; nil for a model
// without a price).
type Preview struct {
	System          string
	User            string
	Provider        string
	Model           string
	InputTokens     int64
	MaxOutputTokens int
	CostMicros      *int64
}

// PreviewParams choose the template and the record to render it with.
// Text is the sentiment text; Goal and Tone fill a draft's variables.
type PreviewParams struct {
	Template   Template
	ObjectName string
	RecordID   string
	Text       string
	Goal, Tone string
}

// Preview renders a template for a record without calling any provider or
// writing usage. Data is neutralised and wrapped exactly as a real call
// would be; redaction is applied for cloud providers, so the preview
// shows what would leave Roster.
func (s *Service) Preview(ctx context.Context, ws string, p PreviewParams) (*Preview, error) {
	t := p.Template
	if err := t.Check(); err != nil {
		return nil, err
	}
	e, err := s.effective(ctx, ws)
	if err != nil {
		return nil, err
	}
	vars := map[string]string{"text": p.Text, "goal": p.Goal, "tone": p.Tone}
	if p.RecordID != "" {
		var f *Facts
		if p.ObjectName == string(crm.ObjectCompany) {
			return nil, crm.Invalid("objectName", crm.CodeInvalidEnum, "preview a person or an opportunity")
		}
		if f, err = s.recordFacts(ctx, ws, p.ObjectName, p.RecordID, true); err != nil {
			return nil, err
		}
		for k, v := range f.Variables() {
			vars[k] = v
		}
	}
	user, err := Render(t.User, vars, false)
	if err != nil {
		return nil, err
	}
	out := &Preview{System: strings.TrimSpace(t.System) + dataGuard, User: wrapData(user), Provider: e.provider, Model: e.model}
	if t.Model != "" && e.provider != ProviderOffline {
		out.Model = t.Model
	}
	if e.provider == ProviderOffline {
		out.Model = OfflineModel(t.Action)
	} else if e.redact {
		out.User = newRedactor().Redact(out.User)
	}
	out.MaxOutputTokens = min(actions[t.Action].maxTokens, e.maxTokens)
	if t.MaxTokens > 0 {
		out.MaxOutputTokens = min(t.MaxTokens, e.maxTokens)
	}
	out.InputTokens = estimateTokens(out.System + out.User)
	if c, ok := CostMicros(out.Provider, out.Model, out.InputTokens, 0, int64(out.MaxOutputTokens)); ok {
		out.CostMicros = &c
	}
	return out, nil
}
