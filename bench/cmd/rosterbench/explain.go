package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/roster-crm/roster/bench/dataset"
	"github.com/roster-crm/roster/internal/store"
)

// plan is the query plan of one case's SQL.
type plan struct {
	Case string `json:"case"`
	SQL  string `json:"sql"`
	Plan string `json:"plan"`
}

// planSQL mirrors the SQL store.RecordList builds for each case (page of 50,
// so LIMIT 51; every ordering ends with id; COUNT(*) over the same WHERE for
// totalCount). It is written out here because the store does not expose its
// SQL; keep it in step with internal/store/recordlist.go.
func planSQL(d store.Dialect, spec dataset.Spec) [][2]string {
	ilike := "ILIKE"
	if d == store.SQLite {
		ilike = "LIKE"
	}
	k := spec.Keys(spec.RandomPerson(newRand(7), true))
	base := "SELECT * FROM people WHERE workspace_id = $1 AND deleted_at IS NULL"
	q := func(s string) string { return strings.ReplaceAll(s, "ILIKE", ilike) }
	return [][2]string{
		{"whopUserId eq", base + " AND whop_user_id = '" + k.WhopUserID + "' ORDER BY id ASC NULLS FIRST LIMIT 51"},
		{"emails.primaryEmail eq", base + " AND emails_primary_email = '" + k.Email + "' ORDER BY id ASC NULLS FIRST LIMIT 51"},
		{"no filter, updatedAt DescNullsLast", base + " ORDER BY updated_at DESC NULLS LAST, id ASC NULLS FIRST LIMIT 51"},
		{"name.lastName ilike %smi%", q(base + " AND name_last_name ILIKE '%smi%' ORDER BY id ASC NULLS FIRST LIMIT 51")},
		{"emails.primaryEmail ilike %smi%", q(base + " AND emails_primary_email ILIKE '%smi%' ORDER BY id ASC NULLS FIRST LIMIT 51")},
		{"or(firstName, lastName, email) ilike %smi%", q(base + " AND (((name_first_name ILIKE '%smi%')) OR ((name_last_name ILIKE '%smi%')) OR ((emails_primary_email ILIKE '%smi%'))) ORDER BY id ASC NULLS FIRST LIMIT 51")},
		{"totalCount: no filter", "SELECT COUNT(*) FROM people WHERE workspace_id = $1 AND deleted_at IS NULL"},
		{"totalCount: name.lastName ilike %smi%", q("SELECT COUNT(*) FROM people WHERE workspace_id = $1 AND deleted_at IS NULL AND name_last_name ILIKE '%smi%'")},
	}
}

// explain returns each case's plan: EXPLAIN QUERY PLAN on SQLite, EXPLAIN
// (ANALYZE, BUFFERS) on PostgreSQL (which runs the query).
func explain(ctx context.Context, s *store.Store, ws string, spec dataset.Spec) ([]plan, error) {
	var out []plan
	for _, c := range planSQL(s.Dialect, spec) {
		prefix := "EXPLAIN QUERY PLAN "
		if s.Dialect == store.Postgres {
			prefix = "EXPLAIN (ANALYZE, BUFFERS) "
		}
		rows, err := s.Read.QueryContext(ctx, prefix+c[1], ws)
		if err != nil {
			return nil, fmt.Errorf("explain %s: %w", c[0], err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			// SQLite: id, parent, notused, detail; PostgreSQL: one text column.
			lines = append(lines, fmt.Sprint(vals[len(vals)-1]))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		out = append(out, plan{Case: c[0], SQL: strings.ReplaceAll(c[1], "$1", "'<ws>'"), Plan: strings.Join(lines, "\n")})
	}
	return out, nil
}
