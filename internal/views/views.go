// Package views keeps people's saved table views: a name and the table
// page's query string (filters, sort, columns) for one object. Views are
// private to the user who saved them within a workspace; the store enforces
// that on every read and delete.
package views

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// Limits on what a view may hold.
const (
	MaxNameLength  = 80
	MaxQueryLength = 4000
)

// Service saves, lists and deletes views. It is safe for concurrent use.
type Service struct {
	store *store.Store
	now   func() time.Time
}

// New returns a Service; now nil means time.Now.
func New(s *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, now: now}
}

// SaveParams describe a view to save. Query is the table page's query
// string without its cursors; the caller normalises it.
type SaveParams struct {
	WorkspaceID string
	UserID      string
	Object      crm.ObjectName
	Name        string
	Query       string
}

// Save stores a view, replacing the user's view of the same name.
func (s *Service) Save(ctx context.Context, p SaveParams) (*store.SavedView, error) {
	name := strings.TrimSpace(p.Name)
	switch {
	case name == "":
		return nil, crm.Invalid("name", crm.CodeRequired, "Give the view a name.")
	case utf8.RuneCountInString(name) > MaxNameLength:
		return nil, crm.Invalid("name", crm.CodeInvalidValue, "Use at most %d characters.", MaxNameLength)
	case len(p.Query) > MaxQueryLength:
		return nil, crm.Invalid("query", crm.CodeInvalidValue, "This view has too many filters to save.")
	}
	if _, ok := crm.ObjectByName(string(p.Object)); !ok {
		return nil, crm.Invalid("object", crm.CodeInvalidEnum, "unknown object %q", p.Object)
	}
	var v *store.SavedView
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		v, err = s.store.SavedViewSave(ctx, tx, &store.SavedViewSaveParams{WorkspaceID: p.WorkspaceID, UserID: p.UserID,
			Object: p.Object, Name: name, Query: p.Query, Now: s.now()})
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// List returns the user's views of an object, by name.
func (s *Service) List(ctx context.Context, workspaceID, userID string, o crm.ObjectName) ([]*store.SavedView, error) {
	return s.store.SavedViewList(ctx, &store.SavedViewListParams{WorkspaceID: workspaceID, UserID: userID, Object: o})
}

// Delete removes one of the user's views; another user's view is not found.
func (s *Service) Delete(ctx context.Context, workspaceID, userID, id string) (*store.SavedView, error) {
	var v *store.SavedView
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		v, err = s.store.SavedViewDelete(ctx, tx, &store.SavedViewDeleteParams{WorkspaceID: workspaceID, UserID: userID, ID: id})
		return err
	})
	return v, err
}
