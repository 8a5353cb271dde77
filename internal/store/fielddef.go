package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/roster-crm/roster/internal/crm"
)

const fieldDefColumns = "id, object, name, label, description, type, options, created_at, updated_at"

// FieldDefinitionCreate stores a validated custom field definition.
func (s *Store) FieldDefinitionCreate(ctx context.Context, tx *sql.Tx, d *crm.FieldDefinition) error {
	opts, err := json.Marshal(d.Options)
	if err != nil {
		return fmt.Errorf("store: encode options: %w", err)
	}
	if d.Options == nil {
		opts = []byte("[]")
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO field_definitions (workspace_id, "+fieldDefColumns+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
		d.WorkspaceID, d.ID, string(d.Object), d.Name, d.Label, d.Description, string(d.Type), string(opts),
		s.Dialect.Time(d.CreatedAt), s.Dialect.Time(d.UpdatedAt))
	if _, dup := IsUniqueViolation(err); dup {
		return crm.Conflict("name", "%s already has a custom field named %q", d.Object, d.Name)
	}
	if err != nil {
		return fmt.Errorf("store: create field definition: %w", err)
	}
	return nil
}

// FieldDefinitionUpdate saves a definition's label, description and options.
func (s *Store) FieldDefinitionUpdate(ctx context.Context, tx *sql.Tx, d *crm.FieldDefinition) error {
	opts, err := json.Marshal(d.Options)
	if err != nil {
		return fmt.Errorf("store: encode options: %w", err)
	}
	res, err := tx.ExecContext(ctx, "UPDATE field_definitions SET label = $1, description = $2, options = $3, updated_at = $4 WHERE workspace_id = $5 AND id = $6",
		d.Label, d.Description, string(opts), s.Dialect.Time(d.UpdatedAt), d.WorkspaceID, d.ID)
	if err != nil {
		return fmt.Errorf("store: update field definition: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: fmt.Sprintf("custom field %q not found", d.ID)}
	}
	return nil
}

// FieldDefinitionDelete removes a definition and its values from every record.
func (s *Store) FieldDefinitionDelete(ctx context.Context, tx *sql.Tx, workspaceID, id string) (*crm.FieldDefinition, error) {
	d, err := s.fieldDefinitionGet(ctx, tx, workspaceID, id)
	if err != nil {
		return nil, err
	}
	o, _ := crm.ObjectByName(string(d.Object))
	remove := "UPDATE " + o.Table + " SET custom_fields = json_remove(custom_fields, '$." + d.Name + "') WHERE workspace_id = $1"
	if s.Dialect == Postgres {
		remove = "UPDATE " + o.Table + " SET custom_fields = custom_fields - '" + d.Name + "' WHERE workspace_id = $1 AND custom_fields ? '" + d.Name + "'"
	}
	if _, err := tx.ExecContext(ctx, remove, workspaceID); err != nil {
		return nil, fmt.Errorf("store: clear custom field values: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM field_definitions WHERE workspace_id = $1 AND id = $2", workspaceID, id); err != nil {
		return nil, fmt.Errorf("store: delete field definition: %w", err)
	}
	return d, nil
}

func (s *Store) fieldDefinitionGet(ctx context.Context, q Querier, workspaceID, id string) (*crm.FieldDefinition, error) {
	defs, err := queryList(ctx, q, "get field definition", fieldDefScanner(workspaceID),
		"SELECT "+fieldDefColumns+" FROM field_definitions WHERE workspace_id = $1 AND id = $2", workspaceID, id)
	if err != nil {
		return nil, err
	}
	if len(defs) == 0 {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: fmt.Sprintf("custom field %q not found", id)}
	}
	return defs[0], nil
}

// FieldDefinitionGet returns one definition of the workspace.
func (s *Store) FieldDefinitionGet(ctx context.Context, q Querier, workspaceID, id string) (*crm.FieldDefinition, error) {
	if q == nil {
		q = s.Read
	}
	return s.fieldDefinitionGet(ctx, q, workspaceID, id)
}

// FieldDefinitionList returns the workspace's custom fields, for one object or
// all when object is empty.
func (s *Store) FieldDefinitionList(ctx context.Context, q Querier, workspaceID string, object crm.ObjectName) ([]*crm.FieldDefinition, error) {
	if q == nil {
		q = s.Read
	}
	sqlText := "SELECT " + fieldDefColumns + " FROM field_definitions WHERE workspace_id = $1"
	args := []any{workspaceID}
	if object != "" {
		sqlText += " AND object = $2"
		args = append(args, string(object))
	}
	return queryList(ctx, q, "list field definitions", fieldDefScanner(workspaceID), sqlText+" ORDER BY object, created_at, id", args...)
}

// fieldDefScanner reads field_definitions rows of one workspace.
func fieldDefScanner(workspaceID string) func(rowScanner) (*crm.FieldDefinition, error) {
	return func(sc rowScanner) (*crm.FieldDefinition, error) {
		d := &crm.FieldDefinition{WorkspaceID: workspaceID}
		var obj, typ string
		if err := sc.Scan(&d.ID, &obj, &d.Name, &d.Label, &d.Description, &typ, jsonScanner{&d.Options},
			TimeScanner{&d.CreatedAt}, TimeScanner{&d.UpdatedAt}); err != nil {
			return nil, err
		}
		d.Object, d.Type = crm.ObjectName(obj), crm.FieldType(typ)
		return d, nil
	}
}
