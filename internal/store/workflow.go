package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// Workflow is an automation of a workspace: a name and its versions.
// Statuses lists the distinct statuses of its versions (Twenty's
// workflow.statuses), filled by the reads.
type Workflow struct {
	ID                     string
	WorkspaceID            string
	Name                   string
	Description            string
	LastPublishedVersionID *string
	Statuses               []string
	CreatedAt              time.Time
	UpdatedAt              time.Time
}

// WorkflowVersion is one version of a workflow: its trigger and steps as
// the JSON the client sent. TriggerType and EventName are copied out of the
// trigger so active versions can be found by what fires them.
type WorkflowVersion struct {
	ID          string
	WorkspaceID string
	WorkflowID  string
	Name        string
	Status      string
	Trigger     []byte // JSON object, nil when not set yet
	Steps       []byte // JSON array
	TriggerType string
	EventName   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ListPage is the keyset window of a list ordered by (created_at, id):
// rows after the (AfterTime, AfterID) position in the order's direction.
type ListPage struct {
	AfterTime *time.Time
	AfterID   string
	Desc      bool
	Limit     int
}

// clause returns the keyset condition and ORDER BY for the page, binding
// its values from position n.
func (p ListPage) clause(d Dialect, args *[]any) (where, order string) {
	dir, cmp := "ASC", ">"
	if p.Desc {
		dir, cmp = "DESC", "<"
	}
	order = fmt.Sprintf(" ORDER BY created_at %s, id %s LIMIT %d", dir, dir, max(1, p.Limit))
	if p.AfterTime == nil {
		return "", order
	}
	*args = append(*args, d.Time(*p.AfterTime), p.AfterID)
	n := len(*args)
	return fmt.Sprintf(" AND (created_at %s $%d OR (created_at = $%d AND id %s $%d))", cmp, n-1, n-1, cmp, n), order
}

const workflowColumns = "id, workspace_id, name, description, last_published_version_id, created_at, updated_at"

func scanWorkflow(sc rowScanner) (*Workflow, error) {
	w := &Workflow{}
	err := sc.Scan(&w.ID, &w.WorkspaceID, &w.Name, &w.Description, &w.LastPublishedVersionID, TimeScanner{&w.CreatedAt}, TimeScanner{&w.UpdatedAt})
	return w, err
}

// WorkflowCreate inserts a workflow inside tx.
func (s *Store) WorkflowCreate(ctx context.Context, tx *sql.Tx, w *Workflow) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO workflows (`+workflowColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		w.ID, w.WorkspaceID, w.Name, w.Description, w.LastPublishedVersionID, s.Dialect.Time(w.CreatedAt), s.Dialect.Time(w.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: create workflow: %w", err)
	}
	return nil
}

// WorkflowUpdate writes a workflow's name, description and last published
// version.
func (s *Store) WorkflowUpdate(ctx context.Context, tx *sql.Tx, w *Workflow) error {
	_, err := tx.ExecContext(ctx, `UPDATE workflows SET name = $1, description = $2, last_published_version_id = $3, updated_at = $4
WHERE workspace_id = $5 AND id = $6`, w.Name, w.Description, w.LastPublishedVersionID, s.Dialect.Time(w.UpdatedAt), w.WorkspaceID, w.ID)
	if err != nil {
		return fmt.Errorf("store: update workflow: %w", err)
	}
	return nil
}

// WorkflowGet returns one workflow of the workspace with its statuses, or
// crm.ErrNotFound.
func (s *Store) WorkflowGet(ctx context.Context, q Querier, workspaceID, id string) (*Workflow, error) {
	if q == nil {
		q = s.Read
	}
	w, err := scanWorkflow(q.QueryRowContext(ctx, `SELECT `+workflowColumns+` FROM workflows WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: fmt.Sprintf("workflow %q not found", id)}
	}
	if err != nil {
		return nil, fmt.Errorf("store: get workflow: %w", err)
	}
	if err := s.workflowStatuses(ctx, q, workspaceID, []*Workflow{w}); err != nil {
		return nil, err
	}
	return w, nil
}

// WorkflowListParams select a page of a workspace's workflows.
type WorkflowListParams struct {
	WorkspaceID string
	ID          string // empty: any
	Name        string // empty: any
	// NameLike, when set, keeps workflows whose name contains it (any case).
	NameLike string
	ListPage
}

// WorkflowList returns a page of workflows and, when count is true, how
// many match in all.
func (s *Store) WorkflowList(ctx context.Context, p *WorkflowListParams, count bool) ([]*Workflow, int, error) {
	args := []any{p.WorkspaceID}
	where := "workspace_id = $1"
	for _, c := range []struct{ col, val string }{{"id", p.ID}, {"name", p.Name}} {
		if c.val != "" {
			args = append(args, c.val)
			where += fmt.Sprintf(" AND %s = $%d", c.col, len(args))
		}
	}
	if p.NameLike != "" {
		args = append(args, "%"+strings.ToLower(p.NameLike)+"%")
		where += fmt.Sprintf(" AND LOWER(name) LIKE $%d", len(args))
	}
	total := 0
	if count {
		if err := s.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM workflows WHERE `+where, args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("store: count workflows: %w", err)
		}
	}
	keyset, order := p.ListPage.clause(s.Dialect, &args)
	out, err := queryList(ctx, s.Read, "list workflows", scanWorkflow, `SELECT `+workflowColumns+` FROM workflows WHERE `+where+keyset+order, args...)
	if err != nil {
		return nil, 0, err
	}
	if err := s.workflowStatuses(ctx, s.Read, p.WorkspaceID, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// workflowStatuses fills Statuses: the distinct statuses of each
// workflow's versions, archived ones left out as Twenty does.
func (s *Store) workflowStatuses(ctx context.Context, q Querier, workspaceID string, ws []*Workflow) error {
	if len(ws) == 0 {
		return nil
	}
	byID := make(map[string]*Workflow, len(ws))
	ids := make([]string, 0, len(ws))
	for _, w := range ws {
		w.Statuses = []string{}
		byID[w.ID] = w
		ids = append(ids, w.ID)
	}
	args, list := inWorkspace(workspaceID, ids)
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT workflow_id, status FROM workflow_versions
WHERE workspace_id = $1 AND workflow_id IN (`+list+`) AND status <> 'ARCHIVED' ORDER BY workflow_id, status`, args...)
	if err != nil {
		return fmt.Errorf("store: workflow statuses: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, status string
		if err := rows.Scan(&id, &status); err != nil {
			return fmt.Errorf("store: workflow statuses: %w", err)
		}
		byID[id].Statuses = append(byID[id].Statuses, status)
	}
	return rows.Err()
}

// WorkflowDelete removes a workflow with its versions and runs.
func (s *Store) WorkflowDelete(ctx context.Context, tx *sql.Tx, workspaceID, id string) error {
	// Runs and versions go first: SQLite enforces the cascade too, but the
	// explicit order keeps one statement per table on both databases.
	for _, q := range []string{
		`DELETE FROM workflow_runs WHERE workspace_id = $1 AND workflow_id = $2`,
		`DELETE FROM workflow_versions WHERE workspace_id = $1 AND workflow_id = $2`,
	} {
		if _, err := tx.ExecContext(ctx, q, workspaceID, id); err != nil {
			return fmt.Errorf("store: delete workflow: %w", err)
		}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM workflows WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
	if err != nil {
		return fmt.Errorf("store: delete workflow: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: fmt.Sprintf("workflow %q not found", id)}
	}
	return nil
}

const workflowVersionColumns = "id, workspace_id, workflow_id, name, status, trigger_spec, steps, trigger_type, event_name, created_at, updated_at"

func scanWorkflowVersion(sc rowScanner) (*WorkflowVersion, error) {
	v := &WorkflowVersion{}
	var trigger, steps sql.NullString
	err := sc.Scan(&v.ID, &v.WorkspaceID, &v.WorkflowID, &v.Name, &v.Status, &trigger, &steps, &v.TriggerType, &v.EventName,
		TimeScanner{&v.CreatedAt}, TimeScanner{&v.UpdatedAt})
	if trigger.Valid {
		v.Trigger = []byte(trigger.String)
	}
	v.Steps = []byte(steps.String)
	return v, err
}

func nullJSON(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// WorkflowVersionCreate inserts a version inside tx.
func (s *Store) WorkflowVersionCreate(ctx context.Context, tx *sql.Tx, v *WorkflowVersion) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO workflow_versions (`+workflowVersionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		v.ID, v.WorkspaceID, v.WorkflowID, v.Name, v.Status, nullJSON(v.Trigger), string(v.Steps), v.TriggerType, v.EventName,
		s.Dialect.Time(v.CreatedAt), s.Dialect.Time(v.UpdatedAt))
	if _, dup := IsUniqueViolation(err); dup {
		return &crm.Error{Cause: crm.ErrConflict, Code: crm.CodeDuplicate, Field: "status", Message: "the workflow already has an active version"}
	}
	if err != nil {
		return fmt.Errorf("store: create workflow version: %w", err)
	}
	return nil
}

// WorkflowVersionUpdate writes a version's name, status, trigger and steps.
func (s *Store) WorkflowVersionUpdate(ctx context.Context, tx *sql.Tx, v *WorkflowVersion) error {
	_, err := tx.ExecContext(ctx, `UPDATE workflow_versions SET name = $1, status = $2, trigger_spec = $3, steps = $4, trigger_type = $5,
event_name = $6, updated_at = $7 WHERE workspace_id = $8 AND id = $9`,
		v.Name, v.Status, nullJSON(v.Trigger), string(v.Steps), v.TriggerType, v.EventName, s.Dialect.Time(v.UpdatedAt), v.WorkspaceID, v.ID)
	if _, dup := IsUniqueViolation(err); dup {
		return &crm.Error{Cause: crm.ErrConflict, Code: crm.CodeDuplicate, Field: "status", Message: "the workflow already has an active version"}
	}
	if err != nil {
		return fmt.Errorf("store: update workflow version: %w", err)
	}
	return nil
}

// WorkflowVersionGet returns one version of the workspace, or
// crm.ErrNotFound.
func (s *Store) WorkflowVersionGet(ctx context.Context, q Querier, workspaceID, id string) (*WorkflowVersion, error) {
	if q == nil {
		q = s.Read
	}
	v, err := scanWorkflowVersion(q.QueryRowContext(ctx, `SELECT `+workflowVersionColumns+` FROM workflow_versions WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: fmt.Sprintf("workflow version %q not found", id)}
	}
	if err != nil {
		return nil, fmt.Errorf("store: get workflow version: %w", err)
	}
	return v, nil
}

// WorkflowVersionListParams select a page of versions.
type WorkflowVersionListParams struct {
	WorkspaceID string
	WorkflowID  string // empty: every workflow
	Status      string // empty: any
	ListPage
}

// WorkflowVersionList returns a page of versions and, when count is true,
// how many match in all.
func (s *Store) WorkflowVersionList(ctx context.Context, p *WorkflowVersionListParams, count bool) ([]*WorkflowVersion, int, error) {
	args := []any{p.WorkspaceID}
	where := "workspace_id = $1"
	if p.WorkflowID != "" {
		args = append(args, p.WorkflowID)
		where += fmt.Sprintf(" AND workflow_id = $%d", len(args))
	}
	if p.Status != "" {
		args = append(args, p.Status)
		where += fmt.Sprintf(" AND status = $%d", len(args))
	}
	total := 0
	if count {
		if err := s.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM workflow_versions WHERE `+where, args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("store: count workflow versions: %w", err)
		}
	}
	keyset, order := p.ListPage.clause(s.Dialect, &args)
	out, err := s.queryVersions(ctx, s.Read, `SELECT `+workflowVersionColumns+` FROM workflow_versions WHERE `+where+keyset+order, args...)
	return out, total, err
}

func (s *Store) queryVersions(ctx context.Context, q Querier, query string, args ...any) ([]*WorkflowVersion, error) {
	return queryList(ctx, q, "list workflow versions", scanWorkflowVersion, query, args...)
}

// WorkflowVersionsActiveParams find the active versions a trigger fires.
type WorkflowVersionsActiveParams struct {
	// WorkspaceID empty searches every workspace (the cron scan).
	WorkspaceID string
	TriggerType string
	// EventNames, when given, keeps versions whose event_name is one of them.
	EventNames []string
}

// WorkflowVersionsActive returns the ACTIVE versions with the trigger type
// (and one of the event names).
func (s *Store) WorkflowVersionsActive(ctx context.Context, q Querier, p *WorkflowVersionsActiveParams) ([]*WorkflowVersion, error) {
	if q == nil {
		q = s.Read
	}
	args := []any{p.TriggerType}
	where := "status = 'ACTIVE' AND trigger_type = $1"
	if p.WorkspaceID != "" {
		args = append(args, p.WorkspaceID)
		where += fmt.Sprintf(" AND workspace_id = $%d", len(args))
	}
	if len(p.EventNames) > 0 {
		where += " AND event_name IN (" + bindList(&args, p.EventNames) + ")"
	}
	return s.queryVersions(ctx, q, `SELECT `+workflowVersionColumns+` FROM workflow_versions WHERE `+where+` ORDER BY workspace_id, created_at, id`, args...)
}

// WorkflowVersionActiveOf returns the workflow's ACTIVE version, or
// crm.ErrNotFound.
func (s *Store) WorkflowVersionActiveOf(ctx context.Context, q Querier, workspaceID, workflowID string) (*WorkflowVersion, error) {
	if q == nil {
		q = s.Read
	}
	v, err := scanWorkflowVersion(q.QueryRowContext(ctx, `SELECT `+workflowVersionColumns+` FROM workflow_versions
WHERE workspace_id = $1 AND workflow_id = $2 AND status = 'ACTIVE'`, workspaceID, workflowID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: fmt.Sprintf("workflow %q has no active version", workflowID)}
	}
	if err != nil {
		return nil, fmt.Errorf("store: get active workflow version: %w", err)
	}
	return v, nil
}
