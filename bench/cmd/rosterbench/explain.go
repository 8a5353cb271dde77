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

// planQuery is one statement to explain, with its arguments bound as the
// store binds them (a bound value can change the plan: SQLite cannot use a
// partial index whose WHERE it cannot prove from a parameter).
type planQuery struct {
	name, sql string
	args      []any
}

// planSQL mirrors the SQL store.RecordList builds for each case (page of 50,
// so LIMIT 51; every ordering ends with id; COUNT(*) over the same WHERE for
// totalCount; on SQLite a LIKE on a searchable column is narrowed through
// its FTS5 trigram table). It is written out here because the store does not
// expose its SQL; keep it in step with internal/store/recordlist.go.
func planSQL(d store.Dialect, ws string, spec dataset.Spec) []planQuery {
	k := spec.Keys(spec.RandomPerson(newRand(7), true))
	base := "SELECT * FROM people WHERE workspace_id = $1 AND deleted_at IS NULL"
	order := " ORDER BY id ASC NULLS FIRST LIMIT 51"
	like := func(col, ph string) string {
		if d == store.SQLite {
			return "(seq IN (SELECT rowid FROM people_search WHERE " + col + " LIKE " + ph + ") AND " + col + " LIKE " + ph + ")"
		}
		return col + " ILIKE " + ph
	}
	smi := []any{ws, "%smi%"}
	orSmi := "(((" + like("name_first_name", "$2") + ")) OR ((" + like("name_last_name", "$3") + ")) OR ((" + like("emails_primary_email", "$4") + ")))"
	return []planQuery{
		{"whopUserId eq", base + " AND whop_user_id = $2" + order, []any{ws, k.WhopUserID}},
		{"emails.primaryEmail eq", base + " AND emails_primary_email = $2" + order, []any{ws, k.Email}},
		{"no filter, updatedAt DescNullsLast", base + " ORDER BY updated_at DESC NULLS LAST, id ASC NULLS FIRST LIMIT 51", []any{ws}},
		{"name.lastName ilike %smi%", base + " AND " + like("name_last_name", "$2") + order, smi},
		{"emails.primaryEmail ilike %smi%", base + " AND " + like("emails_primary_email", "$2") + order, smi},
		{"or(firstName, lastName, email) ilike %smi%", base + " AND " + orSmi + order, []any{ws, "%smi%", "%smi%", "%smi%"}},
		{"totalCount: no filter", "SELECT COUNT(*) FROM people WHERE workspace_id = $1 AND deleted_at IS NULL", []any{ws}},
		{"totalCount: name.lastName ilike %smi%", "SELECT COUNT(*) FROM people WHERE workspace_id = $1 AND deleted_at IS NULL AND " + like("name_last_name", "$2"), smi},
	}
}

// explain returns each case's plan: EXPLAIN QUERY PLAN on SQLite, EXPLAIN
// (ANALYZE, BUFFERS) on PostgreSQL (which runs the query).
func explain(ctx context.Context, s *store.Store, ws string, spec dataset.Spec) ([]plan, error) {
	var out []plan
	for _, c := range planSQL(s.Dialect, ws, spec) {
		prefix := "EXPLAIN QUERY PLAN "
		if s.Dialect == store.Postgres {
			prefix = "EXPLAIN (ANALYZE, BUFFERS) "
		}
		rows, err := s.Read.QueryContext(ctx, prefix+c.sql, c.args...)
		if err != nil {
			return nil, fmt.Errorf("explain %s: %w", c.name, err)
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
		out = append(out, plan{Case: c.name, SQL: c.sql, Plan: strings.Join(lines, "\n")})
	}
	return out, nil
}
