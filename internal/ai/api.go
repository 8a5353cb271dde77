package ai

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/roster-crm/roster/internal/crm"
)

// Limits on action inputs.
const (
	MaxTextChars   = 20000
	MaxPromptChars = 20000
	MaxGoalChars   = 1000
)

// Text is AI_GENERATE_TEXT's output.
type Text struct {
	Text string
	Meta
}

// GenerateTextInput is AI_GENERATE_TEXT's input: a saved template or a
// prompt, and the variables they use.
type GenerateTextInput struct {
	TemplateID string
	Prompt     string
	Variables  map[string]any
}

// GenerateText writes free text from a template or prompt. Offline, the
// text is the rendered template and Meta.Note says no model was used.
func (s *Service) GenerateText(ctx context.Context, c Call, in GenerateTextInput) (*Text, error) {
	if (in.TemplateID == "") == (strings.TrimSpace(in.Prompt) == "") {
		return nil, crm.Invalid("prompt", crm.CodeRequired, "give either prompt or templateId")
	}
	if len(in.Prompt) > MaxPromptChars {
		return nil, crm.Invalid("prompt", crm.CodeInvalidValue, "must be at most %d characters", MaxPromptChars)
	}
	vars, err := renderVars(in.Variables)
	if err != nil {
		return nil, err
	}
	t := builtinTemplate(ActionGenerateText)
	if in.TemplateID != "" {
		if t, err = s.template(ctx, c.WorkspaceID, ActionGenerateText, in.TemplateID); err != nil {
			return nil, err
		}
	} else {
		t.User = in.Prompt
	}
	o, err := s.run(ctx, &job{call: c, action: ActionGenerateText, template: t, vars: vars})
	if err != nil {
		return nil, err
	}
	return &Text{Text: o.text, Meta: o.meta}, nil
}

// SentimentResult is AI_ANALYZE_SENTIMENT's output.
type SentimentResult struct {
	Label      string
	Score      float64
	Confidence float64
	Meta
}

// AnalyzeSentiment rates a text POSITIVE, NEUTRAL or NEGATIVE.
func (s *Service) AnalyzeSentiment(ctx context.Context, c Call, text string) (*SentimentResult, error) {
	if strings.TrimSpace(text) == "" {
		return nil, crm.Invalid("text", crm.CodeRequired, "is required")
	}
	if len(text) > MaxTextChars {
		return nil, crm.Invalid("text", crm.CodeInvalidValue, "must be at most %d characters", MaxTextChars)
	}
	t, err := s.activeTemplate(ctx, c.WorkspaceID, ActionAnalyzeSentiment)
	if err != nil {
		return nil, err
	}
	o, err := s.run(ctx, &job{call: c, action: ActionAnalyzeSentiment, template: t, vars: map[string]string{"text": text}, facts: text})
	if err != nil {
		return nil, err
	}
	return &SentimentResult{Label: o.fields["label"].(string), Score: o.fields["score"].(float64), Confidence: o.fields["confidence"].(float64), Meta: o.meta}, nil
}

// LeadScoreResult is AI_SCORE_LEAD's output.
type LeadScoreResult struct {
	Score   int
	Tier    string
	Reasons []string
	Meta
}

// ScoreLead scores a person or opportunity from 0 to 100 with reasons.
func (s *Service) ScoreLead(ctx context.Context, c Call, objectName, recordID string) (*LeadScoreResult, error) {
	f, err := s.recordFacts(ctx, c.WorkspaceID, objectName, recordID, false)
	if err != nil {
		return nil, err
	}
	t, err := s.activeTemplate(ctx, c.WorkspaceID, ActionScoreLead)
	if err != nil {
		return nil, err
	}
	o, err := s.run(ctx, &job{call: c, action: ActionScoreLead, template: t, vars: f.Variables(), facts: f})
	if err != nil {
		return nil, err
	}
	score := o.fields["score"].(int)
	tier := o.fields["tier"].(string)
	return &LeadScoreResult{Score: score, Tier: tier, Reasons: o.fields["reasons"].([]string), Meta: o.meta}, nil
}

// DraftEmailInput is AI_DRAFT_EMAIL's input.
type DraftEmailInput struct {
	RecordID string
	// ObjectName is person (default) or opportunity.
	ObjectName string
	Goal       string
	Tone       string
}

// EmailDraft is AI_DRAFT_EMAIL's output: a draft, never sent.
type EmailDraft struct {
	Subject string
	Body    string
	Meta
}

// DraftEmail drafts an email to a record's contact. Redacted emails and
// phone numbers are put back into the draft.
func (s *Service) DraftEmail(ctx context.Context, c Call, in DraftEmailInput) (*EmailDraft, error) {
	if strings.TrimSpace(in.Goal) == "" {
		return nil, crm.Invalid("goal", crm.CodeRequired, "is required, e.g. \"invite them to renew their membership\"")
	}
	if len(in.Goal) > MaxGoalChars || len(in.Tone) > 100 {
		return nil, crm.Invalid("goal", crm.CodeInvalidValue, "goal must be at most %d characters and tone at most 100", MaxGoalChars)
	}
	if in.Tone == "" {
		in.Tone = "friendly"
	}
	f, err := s.recordFacts(ctx, c.WorkspaceID, in.ObjectName, in.RecordID, true)
	if err != nil {
		return nil, err
	}
	t, err := s.activeTemplate(ctx, c.WorkspaceID, ActionDraftEmail)
	if err != nil {
		return nil, err
	}
	vars := f.Variables()
	vars["goal"], vars["tone"], vars["sender.name"] = in.Goal, in.Tone, c.SenderName
	o, err := s.run(ctx, &job{call: c, action: ActionDraftEmail, template: t, vars: vars, restore: []string{"subject", "body"},
		facts: DraftInput{Facts: f, Goal: in.Goal, Tone: in.Tone, Sender: c.SenderName}})
	if err != nil {
		return nil, err
	}
	return &EmailDraft{Subject: o.fields["subject"].(string), Body: o.fields["body"].(string), Meta: o.meta}, nil
}

// NotesSummary is AI_SUMMARIZE_NOTES's output.
type NotesSummary struct {
	Summary   string
	KeyPoints []string
	Meta
}

// SummarizeNotes summarises a record's notes, newest first, cut to fit.
func (s *Service) SummarizeNotes(ctx context.Context, c Call, objectName, recordID string) (*NotesSummary, error) {
	if objectName == string(crm.ObjectCompany) {
		// Companies have notes but no lead facts of their own.
		if err := checkID(recordID); err != nil {
			return nil, err
		}
		r, err := s.records.Get(ctx, c.WorkspaceID, crm.CompanyObject, recordID)
		if err != nil {
			return nil, err
		}
		co := r.(*crm.Company)
		f := &Facts{Object: crm.ObjectCompany, ID: co.ID, Name: co.Name, Company: co, Now: s.now()}
		if err := s.loadNotesTasks(ctx, c.WorkspaceID, f); err != nil {
			return nil, err
		}
		return s.summarize(ctx, c, f)
	}
	f, err := s.recordFacts(ctx, c.WorkspaceID, objectName, recordID, false)
	if err != nil {
		return nil, err
	}
	return s.summarize(ctx, c, f)
}

func (s *Service) summarize(ctx context.Context, c Call, f *Facts) (*NotesSummary, error) {
	t, err := s.activeTemplate(ctx, c.WorkspaceID, ActionSummarizeNotes)
	if err != nil {
		return nil, err
	}
	o, err := s.run(ctx, &job{call: c, action: ActionSummarizeNotes, template: t, vars: f.Variables(), facts: f, restore: []string{"summary"}})
	if err != nil {
		return nil, err
	}
	return &NotesSummary{Summary: o.fields["summary"].(string), KeyPoints: o.fields["keyPoints"].([]string), Meta: o.meta}, nil
}

// recordFacts checks objectName and recordID and loads the facts. With
// guess, an empty objectName finds the record among people, then
// opportunities.
func (s *Service) recordFacts(ctx context.Context, ws, objectName, recordID string, guess bool) (*Facts, error) {
	switch objectName {
	case string(crm.ObjectPerson), string(crm.ObjectOpportunity), "":
	default:
		return nil, crm.Invalid("objectName", crm.CodeInvalidEnum, "must be person or opportunity, got %q", objectName)
	}
	if err := checkID(recordID); err != nil {
		return nil, err
	}
	switch objectName {
	case string(crm.ObjectPerson), string(crm.ObjectOpportunity):
		return s.loadFacts(ctx, ws, crm.ObjectName(objectName), recordID)
	case "":
		if guess {
			f, err := s.loadFacts(ctx, ws, crm.ObjectPerson, recordID)
			if errors.Is(err, crm.ErrNotFound) {
				return s.loadFacts(ctx, ws, crm.ObjectOpportunity, recordID)
			}
			return f, err
		}
	}
	return nil, crm.Invalid("objectName", crm.CodeRequired, "is required: person or opportunity")
}

func checkID(id string) error {
	if strings.TrimSpace(id) == "" {
		return crm.Invalid("recordId", crm.CodeRequired, "is required")
	}
	if _, err := uuid.Parse(id); err != nil {
		return crm.Invalid("recordId", crm.CodeInvalidValue, "must be a record ID (a UUID), got %q", id)
	}
	return nil
}
