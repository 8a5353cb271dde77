package graph

import (
	"context"
	"math"
	"strings"

	"github.com/roster-crm/roster/internal/ai"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/graph/model"
)

// aiFor returns the caller, the AI service and the call it makes, or an
// error when the server runs without AI.
func (r *Resolver) aiFor(ctx context.Context) (*auth.Principal, *ai.Service, ai.Call, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, nil, ai.Call{}, err
	}
	if r.ai == nil {
		return nil, nil, ai.Call{}, crm.Invalid("", crm.CodeInvalidValue, "AI actions are not enabled on this server")
	}
	return p, r.ai, ai.Call{WorkspaceID: p.WorkspaceID, UserID: p.UserID, SenderName: p.Name}, nil
}

// aiAdmin is aiFor for admin-only operations.
func (r *Resolver) aiAdmin(ctx context.Context) (*auth.Principal, *ai.Service, error) {
	p, svc, _, err := r.aiFor(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := auth.RequireAdmin(p); err != nil {
		return nil, nil, err
	}
	return p, svc, nil
}

func aiTemplate(t *ai.Template) *model.AIPromptTemplate {
	out := &model.AIPromptTemplate{ID: t.ID, Name: t.Name, Action: t.Action, Version: t.Version, System: t.System, User: t.User,
		Temperature: t.Temperature, Variables: ai.Variables(t.Action)}
	if t.Model != "" {
		out.Model = &t.Model
	}
	if t.MaxTokens > 0 {
		out.MaxTokens = &t.MaxTokens
	}
	return out
}

func aiSettings(s *ai.Settings) *model.AISettings {
	out := &model.AISettings{HasAPIKey: s.HasKey, EffectiveProvider: s.EffectiveProvider, EffectiveModel: s.EffectiveModel,
		RatePerMinute: s.RatePerMinute, RedactPii: s.RedactPII}
	if s.Provider != "" {
		out.Provider = &s.Provider
	}
	if s.Model != "" {
		out.Model = &s.Model
	}
	if s.KeyHint != "" {
		out.APIKeyHint = &s.KeyHint
	}
	if s.MonthlyBudgetMicros != nil {
		usd := float64(*s.MonthlyBudgetMicros) / 1e6
		out.MonthlyBudgetUsd = &usd
	}
	return out
}

// aiSettingsInput converts updateAISettings' data; the budget arrives in
// USD and is kept in micros.
func aiSettingsInput(d model.AISettingsInput) (ai.SettingsInput, error) {
	in := ai.SettingsInput{Provider: d.Provider, Model: d.Model, APIKey: d.APIKey, RatePerMinute: d.RatePerMinute, RedactPII: d.RedactPii}
	if d.MonthlyBudgetUsd != nil {
		usd := *d.MonthlyBudgetUsd
		if math.IsNaN(usd) || usd < 0 || usd > 1e6 {
			return in, crm.Invalid("monthlyBudgetUsd", crm.CodeInvalidValue, "must be from 0 (no budget) to 1000000")
		}
		m := int64(math.Round(usd * 1e6))
		in.MonthlyBudgetMicros = &m
	}
	return in, nil
}

func aiUsage(u *ai.Usage) *model.AIUsageRecord {
	out := &model.AIUsageRecord{ID: u.ID, CreatedAt: u.CreatedAt, UserID: u.UserID, WorkflowRunID: u.WorkflowRunID, Action: u.Action,
		TemplateID: u.TemplateID, TemplateVersion: u.TemplateVersion, Provider: u.Provider, Model: u.Model, InputTokens: int(u.InputTokens),
		CachedInputTokens: int(u.CachedInputTokens), OutputTokens: int(u.OutputTokens), LatencyMs: int(u.LatencyMs), Status: model.AIUsageStatus(u.Status)}
	if u.CostMicros != nil {
		c := int(*u.CostMicros)
		out.CostMicros = &c
	}
	if u.ErrorCode != "" {
		out.ErrorCode = &u.ErrorCode
	}
	return out
}

// aiUsageFilter converts aiUsageRecords' filter and orderBy.
func aiUsageFilter(f *model.AIUsageFilter, o *model.AIUsageOrderBy) (ai.UsageFilter, bool) {
	var out ai.UsageFilter
	if f != nil {
		out.From, out.To = f.From, f.To
		out.Action, out.Provider, out.Model, out.UserID = stringOr(f.Action), stringOr(f.Provider), stringOr(f.Model), stringOr(f.UserID)
		if f.Status != nil {
			out.Status = string(*f.Status)
		}
	}
	asc := o != nil && o.CreatedAt != nil && strings.HasPrefix(*o.CreatedAt, "Asc")
	return out, asc
}
