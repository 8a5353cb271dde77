package ai

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// Meta says how a result was made: by which provider and model, under
// which usage row, from which template version.
type Meta struct {
	Provider        string
	Model           string
	UsageID         string
	TemplateID      string
	TemplateVersion int
	// Note is set when the result is not a model's work (offline
	// AI_GENERATE_TEXT).
	Note string
}

// job is one action run: the prompt pieces and what the offline provider
// computes from.
type job struct {
	call     Call
	action   string
	template *Template
	vars     map[string]string
	facts    any
	// restore puts redacted values back into these output fields.
	restore []string
}

// outcome is a run's validated output.
type outcome struct {
	fields map[string]any // structured actions
	text   string         // AI_GENERATE_TEXT
	meta   Meta
}

// run renders the prompt, checks the budget and the rate limit, calls the
// provider, validates the answer (one re-ask), and writes a usage row per
// provider call. Errors that reach the caller are *crm.Error wrapping an
// *Error, so every surface shows the code and message.
func (s *Service) run(ctx context.Context, j *job) (*outcome, error) {
	out, err := s.runInner(ctx, j)
	if err != nil {
		return nil, present(err)
	}
	return out, nil
}

func (s *Service) runInner(ctx context.Context, j *job) (*outcome, error) {
	ws := j.call.WorkspaceID
	e, err := s.effective(ctx, ws)
	if err != nil {
		return nil, err
	}
	a := actions[j.action]
	t := j.template
	model := e.model
	if t.Model != "" && e.provider != ProviderOffline {
		model = t.Model
	}
	maxTokens := min(a.maxTokens, e.maxTokens)
	if t.MaxTokens > 0 {
		maxTokens = min(t.MaxTokens, e.maxTokens)
	}
	user, err := Render(t.User, j.vars, j.action == ActionGenerateText)
	if err != nil {
		return nil, err
	}
	req := &Request{
		Action: j.action, Model: model, System: strings.TrimSpace(t.System) + dataGuard, User: wrapData(user),
		Schema: a.schema, MaxTokens: maxTokens, Temperature: t.Temperature, Facts: j.facts,
	}
	if j.action == ActionGenerateText && e.provider == ProviderOffline {
		req.Facts = user
	}
	row := &store.AIUsage{
		WorkspaceID: ws, UserID: j.call.UserID, WorkflowRunID: j.call.WorkflowRunID, Action: j.action,
		TemplateID: t.ID, TemplateVersion: t.Version, Provider: e.provider, Model: model,
	}
	if e.provider == ProviderOffline {
		row.Model = OfflineModel(j.action)
	}
	red := newRedactor()
	if e.redact && e.provider != ProviderOffline {
		req.User = red.Redact(req.User)
		row.Redactions = red.Count()
	}
	if err := s.admit(ctx, e, req, row); err != nil {
		return nil, err
	}
	p, err := s.provider(e)
	if err != nil {
		return nil, s.fail(ctx, row, time.Now(), err)
	}
	var parsed map[string]any
	var resp *Response
	for attempt := 0; ; attempt++ {
		start := time.Now()
		cctx, cancel := context.WithTimeout(ctx, CallTimeout)
		resp, err = p.Complete(cctx, req)
		cancel()
		fillUsage(row, resp)
		if err != nil {
			return nil, s.fail(ctx, row, start, err)
		}
		if a.schema == nil {
			if strings.TrimSpace(resp.Text) == "" {
				err = fmt.Errorf("the answer is empty")
			}
		} else {
			parsed, err = a.schema.Parse(resp.Text)
		}
		if err == nil {
			row.Status, row.ErrorCode = StatusSuccess, ""
			if err := s.record(ctx, row, start); err != nil {
				return nil, err
			}
			break
		}
		invalid := &Error{Status: StatusError, Code: ErrInvalidOutput, Provider: e.provider, Message: "the answer did not match the expected output: " + err.Error(), Raw: cut(resp.Text, 4000)}
		if ferr := s.fail(ctx, row, start, invalid); attempt >= 1 || ferr != error(invalid) {
			return nil, ferr
		}
		// One bounded re-ask, with the validator's complaint.
		req.Retry = err.Error()
		row = cloneUsage(row)
	}
	o := &outcome{meta: Meta{Provider: e.provider, Model: row.Model, UsageID: row.ID, TemplateID: t.ID, TemplateVersion: t.Version}}
	if a.schema == nil {
		o.text = red.Restore(resp.Text)
		if e.provider == ProviderOffline {
			o.meta.Note = OfflineNote
		}
		return o, nil
	}
	for _, f := range j.restore {
		if v, ok := parsed[f].(string); ok {
			parsed[f] = red.Restore(v)
		}
	}
	o.fields = parsed
	return o, nil
}

// admit applies the rate limit and the monthly budget before any provider
// is called; a refusal is a usage row of its own.
func (s *Service) admit(ctx context.Context, e *effective, req *Request, row *store.AIUsage) error {
	now := s.now()
	w := s.window(e.ratePerMinute)
	if blocked, wait := w.Blocked(row.WorkspaceID, now); blocked {
		return s.fail(ctx, row, time.Now(), &Error{Status: StatusRateLimited, Code: crm.CodeRateLimited, RetryAfter: wait,
			Message: fmt.Sprintf("the workspace's limit of %d AI calls per minute is reached; try again in %s", e.ratePerMinute, wait.Round(time.Second))})
	}
	w.Hit(row.WorkspaceID, now)
	if e.budgetMicros == nil || e.provider == ProviderOffline {
		return nil
	}
	spent, err := s.store.AIUsageSpent(ctx, row.WorkspaceID, monthStart(now))
	if err != nil {
		return err
	}
	// The estimate assumes the whole output cap is used: a call that could
	// pass the budget is refused, not one that did.
	estimate, _ := CostMicros(e.provider, req.Model, estimateTokens(req.System+req.User), 0, int64(req.MaxTokens))
	if spent+estimate > *e.budgetMicros {
		return s.fail(ctx, row, time.Now(), &Error{Status: StatusBudgetExceeded, Code: StatusBudgetExceeded,
			Message: fmt.Sprintf("this call could cost up to %s and the workspace has spent %s of its monthly AI budget of %s",
				FormatMicros(estimate), FormatMicros(spent), FormatMicros(*e.budgetMicros))})
	}
	return nil
}

// monthStart is the first instant of t's month (UTC): budgets are monthly.
func monthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// FormatMicros shows micro-USD as dollars ("$0.0042").
func FormatMicros(m int64) string {
	if m%10000 == 0 {
		return fmt.Sprintf("$%.2f", float64(m)/1e6)
	}
	return fmt.Sprintf("$%.4f", float64(m)/1e6)
}

func fillUsage(row *store.AIUsage, resp *Response) {
	if resp == nil {
		return
	}
	if resp.Model != "" && row.Provider != ProviderOffline {
		row.Model = resp.Model
	}
	row.InputTokens, row.CachedInputTokens, row.OutputTokens = resp.InputTokens, resp.CachedInputTokens, resp.OutputTokens
}

func cloneUsage(r *store.AIUsage) *store.AIUsage {
	c := *r
	c.ID, c.InputTokens, c.CachedInputTokens, c.OutputTokens, c.CostMicros = "", 0, 0, 0, nil
	return &c
}

// record writes a usage row with its latency and cost.
func (s *Service) record(ctx context.Context, row *store.AIUsage, start time.Time) error {
	row.CreatedAt = s.now()
	row.LatencyMs = time.Since(start).Milliseconds()
	if c, ok := CostMicros(row.Provider, row.Model, row.InputTokens, row.CachedInputTokens, row.OutputTokens); ok {
		row.CostMicros = &c
	}
	// The ledger must be written even when the caller's context is done
	// (a timeout is exactly the call worth recording).
	return s.store.AIUsageInsert(context.WithoutCancel(ctx), row)
}

// fail records a failed call and returns err (or the ledger's own error).
func (s *Service) fail(ctx context.Context, row *store.AIUsage, start time.Time, err error) error {
	row.Status, row.ErrorCode = errorCode(err)
	if rerr := s.record(ctx, row, start); rerr != nil {
		return errors.Join(err, rerr)
	}
	s.log.WarnContext(ctx, "ai call failed", "workspace", row.WorkspaceID, "action", row.Action, "provider", row.Provider,
		"model", row.Model, "status", row.Status, "code", row.ErrorCode, "usage_id", row.ID)
	return err
}

// present turns an *Error into the *crm.Error every surface knows, keeping
// it in the chain for errors.Is.
func present(err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	code := e.Code
	if e.Status != StatusError {
		code = e.Status
	}
	return &crm.Error{Cause: e, Code: code, Message: e.Error()}
}
