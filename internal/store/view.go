package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// SavedView is a person's named table view: the table page's query string
// (filters, sort, columns) for one object. Views are private: every method
// takes both the workspace and the user, so nobody reads or deletes
// another person's views.
type SavedView struct {
	ID          string
	WorkspaceID string
	UserID      string
	Object      crm.ObjectName
	Name        string
	Query       string
	CreatedAt   time.Time
}

const savedViewColumns = `id, workspace_id, user_id, object, name, query, created_at`

func scanSavedView(sc interface{ Scan(...any) error }) (*SavedView, error) {
	v := &SavedView{}
	var object string
	err := sc.Scan(&v.ID, &v.WorkspaceID, &v.UserID, &object, &v.Name, &v.Query, TimeScanner{&v.CreatedAt})
	v.Object = crm.ObjectName(object)
	return v, err
}

// SavedViewSaveParams are the inputs of SavedViewSave.
type SavedViewSaveParams struct {
	WorkspaceID string
	UserID      string
	Object      crm.ObjectName
	Name        string
	Query       string
	Now         time.Time
}

// SavedViewSave stores a view inside tx. Saving under a name the user
// already has for the object replaces that view's query (keeping its ID), so
// "save" twice is an update rather than a duplicate.
func (s *Store) SavedViewSave(ctx context.Context, tx *sql.Tx, p *SavedViewSaveParams) (*SavedView, error) {
	id := crm.NewID()
	v, err := scanSavedView(tx.QueryRowContext(ctx, `INSERT INTO saved_views (id, workspace_id, user_id, object, name, query, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (workspace_id, user_id, object, name) DO UPDATE SET query = excluded.query
RETURNING `+savedViewColumns,
		id, p.WorkspaceID, p.UserID, string(p.Object), p.Name, p.Query, s.Dialect.Time(p.Now.UTC())))
	if err != nil {
		return nil, fmt.Errorf("store: save view %q: %w", p.Name, err)
	}
	return v, nil
}

// SavedViewListParams select one user's views of one object.
type SavedViewListParams struct {
	WorkspaceID string
	UserID      string
	Object      crm.ObjectName
}

// SavedViewList returns the user's views of the object, by name.
func (s *Store) SavedViewList(ctx context.Context, p *SavedViewListParams) ([]*SavedView, error) {
	return queryList(ctx, s.Read, "list views", scanSavedView, `SELECT `+savedViewColumns+` FROM saved_views
WHERE workspace_id = $1 AND user_id = $2 AND object = $3 ORDER BY name, id`, p.WorkspaceID, p.UserID, string(p.Object))
}

// SavedViewDeleteParams name one of a user's views.
type SavedViewDeleteParams struct {
	WorkspaceID string
	UserID      string
	ID          string
}

// SavedViewDelete removes a view and returns it. A view of another user or
// workspace is crm.ErrNotFound, exactly like a missing one.
func (s *Store) SavedViewDelete(ctx context.Context, tx *sql.Tx, p *SavedViewDeleteParams) (*SavedView, error) {
	v, err := scanSavedView(tx.QueryRowContext(ctx, `DELETE FROM saved_views WHERE workspace_id = $1 AND user_id = $2 AND id = $3
RETURNING `+savedViewColumns, p.WorkspaceID, p.UserID, p.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: fmt.Sprintf("view %q not found", p.ID)}
	}
	if err != nil {
		return nil, fmt.Errorf("store: delete view: %w", err)
	}
	return v, nil
}

// WhopProductChoice is a synced Whop product offered by the table filters.
type WhopProductChoice struct {
	WhopID string
	Title  string
}

// WhopProductChoices lists the workspace's synced Whop products by title,
// for the "product" filter of the people and opportunities tables.
func (s *Store) WhopProductChoices(ctx context.Context, workspaceID string) ([]WhopProductChoice, error) {
	return queryList(ctx, s.Read, "list whop products", func(sc rowScanner) (WhopProductChoice, error) {
		var c WhopProductChoice
		if err := sc.Scan(&c.WhopID, &c.Title); err != nil {
			return WhopProductChoice{}, err
		}
		return c, nil
	}, `SELECT whop_id, title FROM whop_products WHERE workspace_id = $1 ORDER BY title, whop_id LIMIT 500`, workspaceID)
}
