package ai

import (
	"context"
	"encoding/json"
	"fmt"
)

// Offline models: each names the method, so a result says how it was made.
const (
	ModelLexicon  = "lexicon-v1"
	ModelRules    = "rules-v1"
	ModelTextRank = "textrank-v1"
	ModelTemplate = "template-v1"
	ModelRender   = "render-only"
)

// OfflineNote is what AI_GENERATE_TEXT answers offline besides the text.
const OfflineNote = "No model was used: the offline provider returns the prompt template rendered with the record."

// offline computes every action from the request's facts, with no network
// and no randomness. It reports the prompt's estimated tokens as usage (so
// the ledger shows the size of what a model would have read) at no cost.
type offline struct{}

func (offline) Name() string { return ProviderOffline }

// OfflineModel is the method the offline provider uses for an action.
func OfflineModel(action string) string {
	switch action {
	case ActionAnalyzeSentiment:
		return ModelLexicon
	case ActionScoreLead:
		return ModelRules
	case ActionSummarizeNotes:
		return ModelTextRank
	case ActionDraftEmail:
		return ModelTemplate
	}
	return ModelRender
}

func (offline) Complete(ctx context.Context, r *Request) (*Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out any
	switch r.Action {
	case ActionAnalyzeSentiment:
		text, _ := r.Facts.(string)
		s := ScoreSentiment(text)
		out = map[string]any{"label": s.Label, "score": s.Score, "confidence": s.Confidence}
	case ActionScoreLead:
		f, ok := r.Facts.(*Facts)
		if !ok {
			return nil, fmt.Errorf("ai: offline %s needs the record's facts", r.Action)
		}
		ls := ScoreLead(f)
		out = map[string]any{"score": ls.Score, "tier": ls.Tier, "reasons": ls.Reasons}
	case ActionSummarizeNotes:
		f, ok := r.Facts.(*Facts)
		if !ok {
			return nil, fmt.Errorf("ai: offline %s needs the record's facts", r.Action)
		}
		s := SummarizeNotes(f.Name, f.Notes)
		out = map[string]any{"summary": s.Summary, "keyPoints": s.KeyPoints}
	case ActionDraftEmail:
		in, ok := r.Facts.(DraftInput)
		if !ok {
			return nil, fmt.Errorf("ai: offline %s needs the record's facts", r.Action)
		}
		d := DraftEmail(in)
		out = map[string]any{"subject": d.Subject, "body": d.Body}
	case ActionGenerateText:
		text, _ := r.Facts.(string)
		return &Response{Text: text, Model: ModelRender, InputTokens: estimateTokens(r.System + r.User), OutputTokens: estimateTokens(text)}, nil
	default:
		return nil, fmt.Errorf("ai: offline provider does not know %s", r.Action)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return &Response{Text: string(b), Model: OfflineModel(r.Action), InputTokens: estimateTokens(r.System + r.User), OutputTokens: estimateTokens(string(b))}, nil
}

// estimateTokens is the chars/4 rule of thumb, rounded up: no tokenizer
// is shipped, and estimates serve only budgets and previews (billing uses
// what the provider reports).
func estimateTokens(s string) int64 {
	return int64((len(s) + 3) / 4)
}
