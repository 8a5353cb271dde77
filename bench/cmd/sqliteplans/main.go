// Command sqliteplans times the people queries the store emits on a seeded
// SQLite database against the alternatives BENCHMARKS.md recommends (the
// partial email index made usable, search driven from the FTS5 table, plain
// LIKE without it), printing each plan and the best of five runs. It opens
// the file read-only, so it can run next to a stopped rosterbench:
//
//	go run ./bench/cmd/sqliteplans $TMPDIR/rosterbench-sqlite/roster.db
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"time"

	_ "modernc.org/sqlite"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: sqliteplans PATH/roster.db")
		os.Exit(2)
	}
	db, err := sql.Open("sqlite", "file:"+os.Args[1]+"?_pragma=query_only(1)&_pragma=cache_size(-32000)")
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	var ws, email string
	db.QueryRow("SELECT workspace_id, emails_primary_email FROM people WHERE seq = 500000").Scan(&ws, &email)
	qs := []struct {
		name, sql string
		args      []any
	}{
		{"email eq as emitted", "SELECT id FROM people WHERE workspace_id = $1 AND deleted_at IS NULL AND emails_primary_email = $2 ORDER BY id ASC NULLS FIRST LIMIT 51", []any{ws, email}},
		{"email eq + <> ''", "SELECT id FROM people WHERE workspace_id = $1 AND deleted_at IS NULL AND emails_primary_email = $2 AND emails_primary_email <> '' ORDER BY id ASC NULLS FIRST LIMIT 51", []any{ws, email}},
		{"lastName like plain (no FTS)", "SELECT id FROM people WHERE workspace_id = $1 AND deleted_at IS NULL AND name_last_name LIKE $2 ORDER BY id ASC NULLS FIRST LIMIT 51", []any{ws, "%smi%"}},
		{"lastName like as emitted (FTS IN)", "SELECT id FROM people WHERE workspace_id = $1 AND deleted_at IS NULL AND (seq IN (SELECT rowid FROM people_search WHERE name_last_name LIKE $2) AND name_last_name LIKE $2) ORDER BY id ASC NULLS FIRST LIMIT 51", []any{ws, "%smi%"}},
		{"FTS subquery alone count", "SELECT count(*) FROM people_search WHERE name_last_name LIKE $1", []any{"%smi%"}},
		{"rare: lastName like %zzq% plain", "SELECT id FROM people WHERE workspace_id = $1 AND deleted_at IS NULL AND name_last_name LIKE $2 ORDER BY id ASC NULLS FIRST LIMIT 51", []any{ws, "%zzq%"}},
		{"rare: lastName like %zzq% FTS", "SELECT id FROM people WHERE workspace_id = $1 AND deleted_at IS NULL AND (seq IN (SELECT rowid FROM people_search WHERE name_last_name LIKE $2) AND name_last_name LIKE $2) ORDER BY id ASC NULLS FIRST LIMIT 51", []any{ws, "%zzq%"}},
		{"count ws", "SELECT COUNT(*) FROM people WHERE workspace_id = $1 AND deleted_at IS NULL", []any{ws}},
		{"count smi FTS", "SELECT COUNT(*) FROM people WHERE workspace_id = $1 AND deleted_at IS NULL AND (seq IN (SELECT rowid FROM people_search WHERE name_last_name LIKE $2) AND name_last_name LIKE $2)", []any{ws, "%smi%"}},
		{"count smi FTS-driven join", "SELECT COUNT(*) FROM people_search s JOIN people p ON p.seq = s.rowid WHERE s.name_last_name LIKE $2 AND p.workspace_id = $1 AND p.deleted_at IS NULL AND p.name_last_name LIKE $2", []any{ws, "%smi%"}},
	}
	for _, q := range qs {
		rows, _ := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q.sql, q.args...)
		var plan string
		for rows.Next() {
			var a, b, c int
			var d string
			rows.Scan(&a, &b, &c, &d)
			plan += " | " + d
		}
		rows.Close()
		var best time.Duration = 1 << 62
		n := 0
		for range 5 {
			t0 := time.Now()
			rows, err := db.QueryContext(ctx, q.sql, q.args...)
			if err != nil {
				panic(err)
			}
			n = 0
			for rows.Next() {
				n++
			}
			rows.Close()
			best = min(best, time.Since(t0))
		}
		fmt.Printf("%-36s best of 5 %8.2f ms rows %d\n    plan%s\n", q.name, float64(best)/1e6, n, plan)
	}
}
