package store

import (
	"context"
	"database/sql"
	"fmt"
)

// rowScanner is what a row scanner reads from: a *sql.Row or *sql.Rows.
// It is an alias so the scan functions written against the bare interface
// (scanAPIKey, scanInvite, ...) fit queryList as they are.
type rowScanner = interface{ Scan(...any) error }

// collect reads every row with scan, closes rows, and checks rows.Err, so
// a connection lost mid-read is an error and never a silently short list.
func collect[T any](rows *sql.Rows, scan func(rowScanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// queryList runs a read on q and collects its rows, so a list method is its
// SQL and its row scanner. Errors are wrapped once, as "store: what: ...".
func queryList[T any](ctx context.Context, q Querier, what string, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	out, err := collect(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}

// scanString reads a one-column row of text (IDs).
func scanString(sc rowScanner) (string, error) {
	var v string
	err := sc.Scan(&v)
	return v, err
}
