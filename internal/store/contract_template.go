package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// ContractSignerRole is one role a template's contracts are signed by, and
// the order its signers sign in (equal orders sign in parallel).
type ContractSignerRole struct {
	Role  string `json:"role"`
	Order int    `json:"order"`
}

// ContractField is one thing a signer of a role fills in: a signature,
// initials, the date signed, a text or a checkbox.
type ContractField struct {
	ID       string `json:"id"`
	Role     string `json:"role"`
	Type     string `json:"type"`
	Label    string `json:"label"`
	Required bool   `json:"required"`
}

// ContractTemplate is one version of a template: its markdown body with
// merge fields, its roles and fields. Used reports that a contract was sent
// from this version, so saving the template makes a new one.
type ContractTemplate struct {
	ID          string
	WorkspaceID string
	Name        string
	Version     int
	Body        string
	SignerRoles []ContractSignerRole
	Fields      []ContractField
	Used        bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func contractTemplateNotFound(id string) error {
	return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: fmt.Sprintf("contract template %q not found", id)}
}

const contractTemplateColumns = `t.id, t.workspace_id, t.name, v.version, v.body, v.signer_roles, v.fields, v.used, t.created_at, t.updated_at`

func scanContractTemplate(sc rowScanner) (*ContractTemplate, error) {
	t := &ContractTemplate{}
	err := sc.Scan(&t.ID, &t.WorkspaceID, &t.Name, &t.Version, &t.Body, jsonScanner{&t.SignerRoles}, jsonScanner{&t.Fields}, &t.Used,
		TimeScanner{&t.CreatedAt}, TimeScanner{&t.UpdatedAt})
	return t, err
}

// ContractTemplateSave writes a template's current version: a new template,
// a new version (t.Version greater than the stored one) or an in-place
// change of an unused version. The caller decides which by setting
// t.Version; the store keeps the template row pointing at it.
func (s *Store) ContractTemplateSave(ctx context.Context, tx *sql.Tx, t *ContractTemplate) error {
	roles, err := json.Marshal(t.SignerRoles)
	if err != nil {
		return fmt.Errorf("store: save contract template: %w", err)
	}
	fields, err := json.Marshal(t.Fields)
	if err != nil {
		return fmt.Errorf("store: save contract template: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO contract_templates (id, workspace_id, name, version, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (id) DO UPDATE SET name = excluded.name, version = excluded.version, updated_at = excluded.updated_at`,
		t.ID, t.WorkspaceID, t.Name, t.Version, s.Dialect.Time(t.CreatedAt), s.Dialect.Time(t.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: save contract template: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO contract_template_versions (workspace_id, template_id, version, body, signer_roles, fields, used, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (template_id, version) DO UPDATE SET body = excluded.body, signer_roles = excluded.signer_roles, fields = excluded.fields`,
		t.WorkspaceID, t.ID, t.Version, t.Body, string(roles), string(fields), t.Used, s.Dialect.Time(t.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: save contract template version: %w", err)
	}
	return nil
}

// ContractTemplateGet returns a template at version (0: its current one),
// or crm.ErrNotFound, also for another workspace's template. q may be a
// transaction.
func (s *Store) ContractTemplateGet(ctx context.Context, q Querier, workspaceID, id string, version int) (*ContractTemplate, error) {
	if q == nil {
		q = s.Read
	}
	query := `SELECT ` + contractTemplateColumns + ` FROM contract_templates t
JOIN contract_template_versions v ON v.template_id = t.id AND v.workspace_id = t.workspace_id
WHERE t.workspace_id = $1 AND t.id = $2 AND v.version = `
	args := []any{workspaceID, id}
	if version > 0 {
		query += `$3`
		args = append(args, version)
	} else {
		query += `t.version`
	}
	t, err := scanContractTemplate(q.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contractTemplateNotFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get contract template: %w", err)
	}
	return t, nil
}

// ContractTemplateList returns the workspace's templates at their current
// versions, by name.
func (s *Store) ContractTemplateList(ctx context.Context, workspaceID string) ([]*ContractTemplate, error) {
	return queryList(ctx, s.Read, "list contract templates", scanContractTemplate, `SELECT `+contractTemplateColumns+` FROM contract_templates t
JOIN contract_template_versions v ON v.template_id = t.id AND v.version = t.version
WHERE t.workspace_id = $1 ORDER BY t.name, t.id`, workspaceID)
}

// ContractTemplateMarkUsed records that a contract was sent from a version.
func (s *Store) ContractTemplateMarkUsed(ctx context.Context, tx *sql.Tx, workspaceID, id string, version int) error {
	if _, err := tx.ExecContext(ctx, `UPDATE contract_template_versions SET used = $1 WHERE workspace_id = $2 AND template_id = $3 AND version = $4`,
		true, workspaceID, id, version); err != nil {
		return fmt.Errorf("store: mark contract template used: %w", err)
	}
	return nil
}
