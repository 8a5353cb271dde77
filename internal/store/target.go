package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// Note and task targets share one shape; parent selects the table.
func targetTable(parent crm.ObjectName) (table, column string) {
	if parent == crm.ObjectTask {
		return "task_targets", "task_id"
	}
	return "note_targets", "note_id"
}

// TargetCreate links a note or task to a record. The caller has checked that
// both ends exist in the workspace.
func (s *Store) TargetCreate(ctx context.Context, tx *sql.Tx, parent crm.ObjectName, t *crm.TargetLink) error {
	table, col := targetTable(parent)
	now := s.Dialect.Time(t.CreatedAt)
	_, err := tx.ExecContext(ctx, "INSERT INTO "+table+" (id, workspace_id, created_at, updated_at, "+col+", person_id, company_id, opportunity_id) VALUES ($1, $2, $3, $3, $4, $5, $6, $7)",
		t.ID, t.WorkspaceID, now, t.ParentID, t.PersonID, t.CompanyID, t.OpportunityID)
	if err != nil {
		return fmt.Errorf("store: create %s: %w", table, err)
	}
	return nil
}

// TargetDelete removes a link; it returns the removed link.
func (s *Store) TargetDelete(ctx context.Context, tx *sql.Tx, parent crm.ObjectName, workspaceID, id string) (*crm.TargetLink, error) {
	links, err := s.targets(ctx, tx, parent, workspaceID, "id", []string{id})
	if err != nil {
		return nil, err
	}
	if len(links) == 0 {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: fmt.Sprintf("%s target %q not found", parent, id)}
	}
	table, _ := targetTable(parent)
	if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE workspace_id = $1 AND id = $2", workspaceID, id); err != nil {
		return nil, fmt.Errorf("store: delete %s: %w", table, err)
	}
	return links[0], nil
}

// TargetsOf lists the links of the given notes or tasks.
func (s *Store) TargetsOf(ctx context.Context, parent crm.ObjectName, workspaceID string, parentIDs []string) ([]*crm.TargetLink, error) {
	_, col := targetTable(parent)
	return s.targets(ctx, s.Read, parent, workspaceID, col, parentIDs)
}

// TargetsFor lists the links that point at a record (object is person,
// company or opportunity), so its page can show its notes or tasks.
func (s *Store) TargetsFor(ctx context.Context, parent crm.ObjectName, workspaceID string, object crm.ObjectName, recordID string) ([]*crm.TargetLink, error) {
	col := map[crm.ObjectName]string{crm.ObjectPerson: "person_id", crm.ObjectCompany: "company_id", crm.ObjectOpportunity: "opportunity_id"}[object]
	if col == "" {
		return nil, crm.Invalid("object", crm.CodeInvalidValue, "%s cannot be a target", object)
	}
	return s.targets(ctx, s.Read, parent, workspaceID, col, []string{recordID})
}

func (s *Store) targets(ctx context.Context, q Querier, parent crm.ObjectName, workspaceID, col string, ids []string) ([]*crm.TargetLink, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	table, parentCol := targetTable(parent)
	args, list := inWorkspace(workspaceID, ids)
	return queryList(ctx, q, "list "+table, func(sc rowScanner) (*crm.TargetLink, error) {
		t := &crm.TargetLink{WorkspaceID: workspaceID}
		var created time.Time
		if err := sc.Scan(&t.ID, TimeScanner{&created}, &t.ParentID, &t.PersonID, &t.CompanyID, &t.OpportunityID); err != nil {
			return nil, err
		}
		t.CreatedAt = created
		return t, nil
	}, "SELECT id, created_at, "+parentCol+", person_id, company_id, opportunity_id FROM "+table+
		" WHERE workspace_id = $1 AND "+col+" IN ("+list+") ORDER BY created_at, id", args...)
}

// RecordsExist returns which of ids are live records of o in the workspace.
func (s *Store) RecordsExist(ctx context.Context, q Querier, o *crm.Object, workspaceID string, ids []string) (map[string]bool, error) {
	found := map[string]bool{}
	if len(ids) == 0 {
		return found, nil
	}
	args, list := inWorkspace(workspaceID, ids)
	rows, err := q.QueryContext(ctx, "SELECT id FROM "+o.Table+" WHERE workspace_id = $1 AND deleted_at IS NULL AND id IN ("+list+")", args...)
	if err != nil {
		return nil, fmt.Errorf("store: check %s exist: %w", o.Plural, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		found[id] = true
	}
	return found, rows.Err()
}
