package ai

import (
	"context"
	"errors"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/workflow"
)

// The five actions as workflow steps. Each is a workflow.Action: its
// input is checked when a version is activated, it runs with its variables
// rendered, and its output ({{<stepId>.label}}, {{<stepId>.score}}...) is
// the action's output plus provider, model and usageId. The usage row
// names the workflow run. A refusal, a truncated or invalid answer, an
// exceeded budget or a missing key fail the step at once; rate limits and
// provider outages are retried by the engine.

// RegisterSteps adds the AI steps to a workflow registry.
func RegisterSteps(reg *workflow.Registry, s *Service) error {
	for _, a := range []workflow.Action{
		&generateStep{s}, &sentimentStep{s}, &scoreStep{s}, &draftStep{s}, &summarizeStep{s},
	} {
		if err := reg.Register(a); err != nil {
			return err
		}
	}
	return nil
}

// meta is the part of every AI step's output that says how it was made.
func metaSchema(fields map[string]*workflow.Schema) *workflow.Schema {
	fields["provider"] = workflow.Scalar(workflow.TypeString)
	fields["model"] = workflow.Scalar(workflow.TypeString)
	fields["usageId"] = workflow.Scalar(workflow.TypeString)
	return workflow.Object(fields)
}

func metaOutput(out map[string]any, m Meta) map[string]any {
	out["provider"], out["model"], out["usageId"] = m.Provider, m.Model, m.UsageID
	return out
}

func stepCall(x *workflow.Exec) Call {
	run := x.RunID
	return Call{WorkspaceID: x.WorkspaceID, WorkflowRunID: &run, SenderName: x.Actor.Name}
}

// stepError marks the failures a retry cannot fix as permanent.
func stepError(err error) error {
	var e *Error
	if errors.As(err, &e) && e.Status != StatusRateLimited && e.Code != "NETWORK" && !strings.HasPrefix(e.Code, "5") &&
		e.Code != "server_error" && e.Code != "overloaded_error" && e.Code != "api_error" {
		return workflow.Permanent(err)
	}
	return err
}

// literal reports whether a step input is a literal (no {{variables}}),
// so it can be checked at activation.
func literal(s string) bool { return !strings.Contains(s, "{{") }

// checkRecordRef checks objectName (when allowed is not empty) and
// recordId inputs.
func checkRecordRef(c *workflow.Check, allowed []string) error {
	if len(allowed) > 0 {
		name, err := c.Text("objectName", true)
		if err != nil {
			return err
		}
		if literal(name) && !oneOf(name, allowed...) {
			return c.Errorf("objectName", crm.CodeInvalidEnum, "must be %s, got %q", strings.Join(allowed, " or "), name)
		}
	}
	_, err := c.Text("recordId", true)
	return err
}

func oneOf(s string, set ...string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

// AI_GENERATE_TEXT {templateId | prompt, variables} -> {text}.
type generateStep struct{ s *Service }

func (generateStep) Type() string { return ActionGenerateText }

func (a *generateStep) Validate(ctx context.Context, c *workflow.Check) error {
	id, err := c.Text("templateId", false)
	if err != nil {
		return err
	}
	prompt, err := c.Text("prompt", false)
	if err != nil {
		return err
	}
	if (id == "") == (strings.TrimSpace(prompt) == "") {
		return c.Errorf("prompt", crm.CodeRequired, "give either prompt or templateId")
	}
	if v, ok := c.Input("variables"); ok {
		if _, isMap := v.(map[string]any); !isMap {
			return c.Errorf("variables", crm.CodeInvalidType, "expected an object of name: value")
		}
	}
	if id != "" && literal(id) {
		if _, err := a.s.template(ctx, c.WorkspaceID, ActionGenerateText, id); err != nil {
			return c.Errorf("templateId", crm.CodeInvalidValue, "%v", err)
		}
	}
	return nil
}

func (generateStep) OutputSchema(ctx context.Context, c *workflow.Check) (*workflow.Schema, error) {
	return metaSchema(map[string]*workflow.Schema{"text": workflow.Scalar(workflow.TypeString), "note": workflow.Scalar(workflow.TypeString)}), nil
}

func (a *generateStep) Execute(ctx context.Context, x *workflow.Exec) (*workflow.Result, error) {
	vars, _ := x.Input["variables"].(map[string]any)
	r, err := a.s.GenerateText(ctx, stepCall(x), GenerateTextInput{TemplateID: workflow.Text(x.Input["templateId"]), Prompt: workflow.Text(x.Input["prompt"]), Variables: vars})
	if err != nil {
		return nil, stepError(err)
	}
	return &workflow.Result{Output: metaOutput(map[string]any{"text": r.Text, "note": r.Note}, r.Meta)}, nil
}

// AI_ANALYZE_SENTIMENT {text} -> {label, score, confidence}.
type sentimentStep struct{ s *Service }

func (sentimentStep) Type() string { return ActionAnalyzeSentiment }

func (sentimentStep) Validate(ctx context.Context, c *workflow.Check) error {
	_, err := c.Text("text", true)
	return err
}

func (sentimentStep) OutputSchema(ctx context.Context, c *workflow.Check) (*workflow.Schema, error) {
	return metaSchema(map[string]*workflow.Schema{"label": workflow.Scalar(workflow.TypeString), "score": workflow.Scalar(workflow.TypeNumber),
		"confidence": workflow.Scalar(workflow.TypeNumber)}), nil
}

func (a *sentimentStep) Execute(ctx context.Context, x *workflow.Exec) (*workflow.Result, error) {
	r, err := a.s.AnalyzeSentiment(ctx, stepCall(x), workflow.Text(x.Input["text"]))
	if err != nil {
		return nil, stepError(err)
	}
	return &workflow.Result{Output: metaOutput(map[string]any{"label": r.Label, "score": r.Score, "confidence": r.Confidence}, r.Meta)}, nil
}

// AI_SCORE_LEAD {objectName: person | opportunity, recordId} -> {score,
// tier, reasons}. An UPDATE_RECORD after it can write {{<stepId>.score}}
// to a field.
type scoreStep struct{ s *Service }

func (scoreStep) Type() string { return ActionScoreLead }

func (scoreStep) Validate(ctx context.Context, c *workflow.Check) error {
	return checkRecordRef(c, []string{"person", "opportunity"})
}

func (scoreStep) OutputSchema(ctx context.Context, c *workflow.Check) (*workflow.Schema, error) {
	return metaSchema(map[string]*workflow.Schema{"score": workflow.Scalar(workflow.TypeNumber), "tier": workflow.Scalar(workflow.TypeString),
		"reasons": workflow.ArrayOf(workflow.Scalar(workflow.TypeString))}), nil
}

func (a *scoreStep) Execute(ctx context.Context, x *workflow.Exec) (*workflow.Result, error) {
	r, err := a.s.ScoreLead(ctx, stepCall(x), workflow.Text(x.Input["objectName"]), workflow.Text(x.Input["recordId"]))
	if err != nil {
		return nil, stepError(err)
	}
	reasons := make([]any, len(r.Reasons))
	for i, s := range r.Reasons {
		reasons[i] = s
	}
	return &workflow.Result{Output: metaOutput(map[string]any{"score": r.Score, "tier": r.Tier, "reasons": reasons}, r.Meta)}, nil
}

// AI_DRAFT_EMAIL {recordId, goal, tone} -> {subject, body}: a draft only;
// a SEND_EMAIL step after it may send {{<stepId>.subject}} and
// {{<stepId>.body}}.
type draftStep struct{ s *Service }

func (draftStep) Type() string { return ActionDraftEmail }

func (draftStep) Validate(ctx context.Context, c *workflow.Check) error {
	if err := checkRecordRef(c, nil); err != nil {
		return err
	}
	if _, err := c.Text("goal", true); err != nil {
		return err
	}
	if _, err := c.Text("tone", false); err != nil {
		return err
	}
	name, err := c.Text("objectName", false)
	if err == nil && name != "" && literal(name) && !oneOf(name, "person", "opportunity") {
		return c.Errorf("objectName", crm.CodeInvalidEnum, "must be person or opportunity, got %q", name)
	}
	return err
}

func (draftStep) OutputSchema(ctx context.Context, c *workflow.Check) (*workflow.Schema, error) {
	return metaSchema(map[string]*workflow.Schema{"subject": workflow.Scalar(workflow.TypeString), "body": workflow.Scalar(workflow.TypeString)}), nil
}

func (a *draftStep) Execute(ctx context.Context, x *workflow.Exec) (*workflow.Result, error) {
	r, err := a.s.DraftEmail(ctx, stepCall(x), DraftEmailInput{RecordID: workflow.Text(x.Input["recordId"]), ObjectName: workflow.Text(x.Input["objectName"]),
		Goal: workflow.Text(x.Input["goal"]), Tone: workflow.Text(x.Input["tone"])})
	if err != nil {
		return nil, stepError(err)
	}
	return &workflow.Result{Output: metaOutput(map[string]any{"subject": r.Subject, "body": r.Body}, r.Meta)}, nil
}

// AI_SUMMARIZE_NOTES {objectName, recordId} -> {summary, keyPoints}.
type summarizeStep struct{ s *Service }

func (summarizeStep) Type() string { return ActionSummarizeNotes }

func (summarizeStep) Validate(ctx context.Context, c *workflow.Check) error {
	return checkRecordRef(c, []string{"person", "company", "opportunity"})
}

func (summarizeStep) OutputSchema(ctx context.Context, c *workflow.Check) (*workflow.Schema, error) {
	return metaSchema(map[string]*workflow.Schema{"summary": workflow.Scalar(workflow.TypeString),
		"keyPoints": workflow.ArrayOf(workflow.Scalar(workflow.TypeString))}), nil
}

func (a *summarizeStep) Execute(ctx context.Context, x *workflow.Exec) (*workflow.Result, error) {
	r, err := a.s.SummarizeNotes(ctx, stepCall(x), workflow.Text(x.Input["objectName"]), workflow.Text(x.Input["recordId"]))
	if err != nil {
		return nil, stepError(err)
	}
	points := make([]any, len(r.KeyPoints))
	for i, s := range r.KeyPoints {
		points[i] = s
	}
	return &workflow.Result{Output: metaOutput(map[string]any{"summary": r.Summary, "keyPoints": points}, r.Meta)}, nil
}
