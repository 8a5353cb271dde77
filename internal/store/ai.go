package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// AISettings is a workspace's override of the server's AI configuration.
// APIKeySealed is sealed by the ai service; the store never sees the key.
type AISettings struct {
	WorkspaceID  string
	Provider     string
	Model        string
	APIKeySealed string
	// MonthlyBudgetMicros is the monthly spending cap in micro-USD; nil
	// means none.
	MonthlyBudgetMicros *int64
	// RatePerMinute caps the workspace's calls per minute; 0 keeps the
	// server's default.
	RatePerMinute int
	RedactPII     bool
	UpdatedAt     time.Time
}

// AISettingsGet returns the workspace's AI settings, or nil when it has
// none (the server's configuration applies, with redaction on).
func (s *Store) AISettingsGet(ctx context.Context, workspaceID string) (*AISettings, error) {
	a := &AISettings{}
	err := s.Read.QueryRowContext(ctx, `SELECT workspace_id, provider, model, api_key_sealed, monthly_budget_micros, rate_per_minute, redact_pii, updated_at
		FROM ai_settings WHERE workspace_id = $1`, workspaceID).
		Scan(&a.WorkspaceID, &a.Provider, &a.Model, &a.APIKeySealed, &a.MonthlyBudgetMicros, &a.RatePerMinute, &a.RedactPII, TimeScanner{&a.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: get ai settings: %w", err)
	}
	return a, nil
}

// AISettingsPut writes the workspace's AI settings whole.
func (s *Store) AISettingsPut(ctx context.Context, a *AISettings) error {
	_, err := s.Write.ExecContext(ctx, `INSERT INTO ai_settings (workspace_id, provider, model, api_key_sealed, monthly_budget_micros, rate_per_minute, redact_pii, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (workspace_id) DO UPDATE SET provider = excluded.provider, model = excluded.model, api_key_sealed = excluded.api_key_sealed,
		monthly_budget_micros = excluded.monthly_budget_micros, rate_per_minute = excluded.rate_per_minute, redact_pii = excluded.redact_pii,
		updated_at = excluded.updated_at`,
		a.WorkspaceID, a.Provider, a.Model, a.APIKeySealed, a.MonthlyBudgetMicros, a.RatePerMinute, a.RedactPII, s.Dialect.Time(a.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: put ai settings: %w", err)
	}
	return nil
}

// AISealedKeys lists every workspace's sealed AI key, for key rotation.
func (s *Store) AISealedKeys(ctx context.Context) ([]*AISettings, error) {
	return queryList(ctx, s.Read, "ai sealed keys", func(sc rowScanner) (*AISettings, error) {
		a := &AISettings{}
		return a, sc.Scan(&a.WorkspaceID, &a.APIKeySealed)
	}, `SELECT workspace_id, api_key_sealed FROM ai_settings WHERE api_key_sealed <> '' ORDER BY workspace_id`)
}

// AISetSealedKey replaces a sealed key if it is still old (a concurrent
// change wins); it reports whether it wrote.
func (s *Store) AISetSealedKey(ctx context.Context, workspaceID, old, sealed string) (bool, error) {
	res, err := s.Write.ExecContext(ctx, `UPDATE ai_settings SET api_key_sealed = $3 WHERE workspace_id = $1 AND api_key_sealed = $2`, workspaceID, old, sealed)
	if err != nil {
		return false, fmt.Errorf("store: rotate ai key: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// AIPromptTemplate is one version of a workspace's prompt template.
type AIPromptTemplate struct {
	ID          string
	Version     int
	WorkspaceID string
	Action      string
	Name        string
	System      string
	User        string
	Model       string
	Temperature *float64
	MaxTokens   int
	CreatedBy   *string
	CreatedAt   time.Time
}

const aiTemplateColumns = `id, version, workspace_id, action, name, system_prompt, user_prompt, model, temperature, max_tokens, created_by, created_at`

func scanAITemplate(sc rowScanner) (*AIPromptTemplate, error) {
	t := &AIPromptTemplate{}
	return t, sc.Scan(&t.ID, &t.Version, &t.WorkspaceID, &t.Action, &t.Name, &t.System, &t.User, &t.Model, &t.Temperature, &t.MaxTokens, &t.CreatedBy, TimeScanner{&t.CreatedAt})
}

// AIPromptTemplateSave stores t as the next version of its template (the
// first when t.ID is new) and returns it with its version and time set.
// Two saves at once cannot take one version: the primary key refuses the
// second, which is reported as a conflict.
func (s *Store) AIPromptTemplateSave(ctx context.Context, t *AIPromptTemplate) (*AIPromptTemplate, error) {
	out := *t
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		var latest sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM ai_prompt_templates WHERE workspace_id = $1 AND id = $2`, t.WorkspaceID, t.ID).Scan(&latest); err != nil {
			return err
		}
		if !latest.Valid {
			var other int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ai_prompt_templates WHERE id = $1`, t.ID).Scan(&other); err != nil {
				return err
			}
			if other > 0 {
				return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "prompt template not found"}
			}
		}
		out.Version = int(latest.Int64) + 1
		_, err := tx.ExecContext(ctx, `INSERT INTO ai_prompt_templates (`+aiTemplateColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			out.ID, out.Version, out.WorkspaceID, out.Action, out.Name, out.System, out.User, out.Model, out.Temperature, out.MaxTokens, out.CreatedBy, s.Dialect.Time(out.CreatedAt))
		if _, dup := IsUniqueViolation(err); dup {
			return &crm.Error{Cause: crm.ErrConflict, Code: crm.CodeDuplicate, Message: "the template was saved by someone else at the same time; try again"}
		}
		return err
	})
	if err != nil {
		var ce *crm.Error
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, fmt.Errorf("store: save prompt template: %w", err)
	}
	return &out, nil
}

// AIPromptTemplateGet returns a version of a template (version 0: the
// latest), or crm.ErrNotFound, also for another workspace's template.
func (s *Store) AIPromptTemplateGet(ctx context.Context, workspaceID, id string, version int) (*AIPromptTemplate, error) {
	q := `SELECT ` + aiTemplateColumns + ` FROM ai_prompt_templates WHERE workspace_id = $1 AND id = $2`
	args := []any{workspaceID, id}
	if version > 0 {
		q += ` AND version = $3`
		args = append(args, version)
	}
	t, err := scanAITemplate(s.Read.QueryRowContext(ctx, q+` ORDER BY version DESC LIMIT 1`, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Field: "templateId", Message: "prompt template not found"}
	}
	if err != nil {
		return nil, fmt.Errorf("store: get prompt template: %w", err)
	}
	return t, nil
}

// AIPromptTemplateList returns the latest version of each of the
// workspace's templates, by action and name.
func (s *Store) AIPromptTemplateList(ctx context.Context, workspaceID string) ([]*AIPromptTemplate, error) {
	return queryList(ctx, s.Read, "list prompt templates", scanAITemplate, `SELECT `+aiTemplateColumns+` FROM ai_prompt_templates t
		WHERE workspace_id = $1 AND version = (SELECT MAX(version) FROM ai_prompt_templates v WHERE v.workspace_id = t.workspace_id AND v.id = t.id)
		ORDER BY action, name, id`, workspaceID)
}

// AIUsage is one provider call in the ledger.
type AIUsage struct {
	ID                string
	WorkspaceID       string
	CreatedAt         time.Time
	UserID            *string
	WorkflowRunID     *string
	Action            string
	TemplateID        string
	TemplateVersion   int
	Provider          string
	Model             string
	InputTokens       int64
	CachedInputTokens int64
	OutputTokens      int64
	// CostMicros is nil for a model without a price.
	CostMicros *int64
	LatencyMs  int64
	Status     string
	ErrorCode  string
	Redactions int
}

const aiUsageColumns = `id, workspace_id, created_at, user_id, workflow_run_id, action, template_id, template_version, provider, model,
input_tokens, cached_input_tokens, output_tokens, cost_micros, latency_ms, status, error_code, redactions`

func scanAIUsage(sc rowScanner) (*AIUsage, error) {
	u := &AIUsage{}
	return u, sc.Scan(&u.ID, &u.WorkspaceID, TimeScanner{&u.CreatedAt}, &u.UserID, &u.WorkflowRunID, &u.Action, &u.TemplateID, &u.TemplateVersion,
		&u.Provider, &u.Model, &u.InputTokens, &u.CachedInputTokens, &u.OutputTokens, &u.CostMicros, &u.LatencyMs, &u.Status, &u.ErrorCode, &u.Redactions)
}

// AIUsageInsert appends a row to the ledger; it sets the ID.
func (s *Store) AIUsageInsert(ctx context.Context, u *AIUsage) error {
	u.ID = crm.NewID()
	_, err := s.Write.ExecContext(ctx, `INSERT INTO ai_usage (`+aiUsageColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		u.ID, u.WorkspaceID, s.Dialect.Time(u.CreatedAt), u.UserID, u.WorkflowRunID, u.Action, u.TemplateID, u.TemplateVersion, u.Provider, u.Model,
		u.InputTokens, u.CachedInputTokens, u.OutputTokens, u.CostMicros, u.LatencyMs, u.Status, u.ErrorCode, u.Redactions)
	if err != nil {
		return fmt.Errorf("store: insert ai usage: %w", err)
	}
	return nil
}

// AIUsageListParams select ledger rows.
type AIUsageListParams struct {
	WorkspaceID string
	From, To    *time.Time // To is exclusive
	Action      string
	Status      string
	Provider    string
	Model       string
	UserID      string
	// Ascending orders oldest first; the default is newest first.
	Ascending bool
	Limit     int
}

// AIUsageList returns ledger rows of the workspace.
func (s *Store) AIUsageList(ctx context.Context, p *AIUsageListParams) ([]*AIUsage, error) {
	where, args := aiUsageWhere(s.Dialect, p.WorkspaceID, p.From, p.To)
	for col, v := range map[string]string{"action": p.Action, "status": p.Status, "provider": p.Provider, "model": p.Model, "user_id": p.UserID} {
		if v != "" {
			args = append(args, v)
			where += fmt.Sprintf(" AND %s = $%d", col, len(args))
		}
	}
	order := " ORDER BY created_at DESC, id DESC"
	if p.Ascending {
		order = " ORDER BY created_at, id"
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	return queryList(ctx, s.Read, "list ai usage", scanAIUsage, `SELECT `+aiUsageColumns+` FROM ai_usage WHERE `+where+order+fmt.Sprintf(" LIMIT $%d", len(args)), args...)
}

func aiUsageWhere(d Dialect, ws string, from, to *time.Time) (string, []any) {
	where, args := "workspace_id = $1", []any{ws}
	if from != nil {
		args = append(args, d.Time(*from))
		where += fmt.Sprintf(" AND created_at >= $%d", len(args))
	}
	if to != nil {
		args = append(args, d.Time(*to))
		where += fmt.Sprintf(" AND created_at < $%d", len(args))
	}
	return where, args
}

// AIUsageGroup is one group of the usage summary.
type AIUsageGroup struct {
	Key          string
	Calls        int64
	InputTokens  int64
	OutputTokens int64
	// CostMicros sums the priced calls; nil when none in the group had a
	// price.
	CostMicros *int64
}

// Groupings of AIUsageSummary.
const (
	AIGroupDay    = "DAY"
	AIGroupAction = "ACTION"
	AIGroupModel  = "MODEL"
	AIGroupUser   = "USER"
)

// AIUsageSummary sums the ledger over [from, to) by day (UTC), action,
// model or user, in key order.
func (s *Store) AIUsageSummary(ctx context.Context, ws string, from, to *time.Time, groupBy string) ([]*AIUsageGroup, error) {
	var key string
	switch groupBy {
	case AIGroupDay:
		key = "substr(created_at, 1, 10)"
		if s.Dialect == Postgres {
			key = "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
		}
	case AIGroupAction:
		key = "action"
	case AIGroupModel:
		key = "provider || '/' || model"
	case AIGroupUser:
		key = "COALESCE(user_id, '')"
	default:
		return nil, crm.Invalid("groupBy", crm.CodeInvalidEnum, "must be one of DAY, ACTION, MODEL, USER")
	}
	where, args := aiUsageWhere(s.Dialect, ws, from, to)
	return queryList(ctx, s.Read, "summarise ai usage", func(sc rowScanner) (*AIUsageGroup, error) {
		g := &AIUsageGroup{}
		return g, sc.Scan(&g.Key, &g.Calls, &g.InputTokens, &g.OutputTokens, &g.CostMicros)
	}, `SELECT `+key+` AS k, COUNT(*), COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0), SUM(cost_micros)
		FROM ai_usage WHERE `+where+` GROUP BY k ORDER BY k`, args...)
}

// AIUsageSpent sums the priced cost of the workspace's calls since from.
func (s *Store) AIUsageSpent(ctx context.Context, ws string, from time.Time) (int64, error) {
	var n int64
	err := s.Read.QueryRowContext(ctx, `SELECT COALESCE(SUM(cost_micros), 0) FROM ai_usage WHERE workspace_id = $1 AND created_at >= $2`, ws, s.Dialect.Time(from)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: ai spending: %w", err)
	}
	return n, nil
}
