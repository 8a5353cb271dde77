package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// Workspace is one tenant: a business using Roster.
type Workspace struct {
	ID        string
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// WorkspaceCreateParams are the inputs of WorkspaceCreate.
type WorkspaceCreateParams struct {
	Name string
	Now  time.Time
}

// WorkspaceCreate inserts a workspace inside tx.
func (s *Store) WorkspaceCreate(ctx context.Context, tx *sql.Tx, p *WorkspaceCreateParams) (*Workspace, error) {
	id := crm.NewID()
	w := &Workspace{ID: id, Name: p.Name, CreatedAt: p.Now.UTC(), UpdatedAt: p.Now.UTC()}
	_, err := tx.ExecContext(ctx, `INSERT INTO workspaces (id, name, created_at, updated_at) VALUES ($1, $2, $3, $4)`,
		w.ID, w.Name, s.Dialect.Time(w.CreatedAt), s.Dialect.Time(w.UpdatedAt))
	if err != nil {
		return nil, fmt.Errorf("store: create workspace %q: %w", p.Name, err)
	}
	return w, nil
}

// WorkspaceGet returns one workspace, or crm.ErrNotFound.
func (s *Store) WorkspaceGet(ctx context.Context, id string) (*Workspace, error) {
	w := &Workspace{}
	err := s.Read.QueryRowContext(ctx, `SELECT id, name, created_at, updated_at FROM workspaces WHERE id = $1`, id).
		Scan(&w.ID, &w.Name, TimeScanner{&w.CreatedAt}, TimeScanner{&w.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: fmt.Sprintf("workspace %q not found", id)}
	}
	if err != nil {
		return nil, fmt.Errorf("store: get workspace: %w", err)
	}
	return w, nil
}

// WorkspaceAny reports whether at least one workspace exists, without
// reading them all (the sign-in page asks on every visit).
func (s *Store) WorkspaceAny(ctx context.Context) (bool, error) {
	var one int
	err := s.Read.QueryRowContext(ctx, `SELECT 1 FROM workspaces LIMIT 1`).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: any workspace: %w", err)
	}
	return true, nil
}

// WorkspaceList returns every workspace, oldest first.
func (s *Store) WorkspaceList(ctx context.Context) ([]*Workspace, error) {
	return queryList(ctx, s.Read, "list workspaces", func(sc rowScanner) (*Workspace, error) {
		w := &Workspace{}
		if err := sc.Scan(&w.ID, &w.Name, TimeScanner{&w.CreatedAt}, TimeScanner{&w.UpdatedAt}); err != nil {
			return nil, err
		}
		return w, nil
	}, `SELECT id, name, created_at, updated_at FROM workspaces ORDER BY created_at, id`)
}
