package store_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// The two migration trees are written by hand, one per dialect, so nothing
// but this test keeps them describing the same database. It applies every
// migration to a fresh SQLite file and a fresh PostgreSQL schema, reads both
// catalogues back and compares tables, columns, type classes, nullability and
// indexes (as column lists per table: the purpose, not the name).
//
// What is allowed to differ is listed here, each with its reason; anything
// else that differs fails the test, and so does an allowance that no longer
// matches anything (a stale exception hides the next real difference).
var (
	// sqliteOnlyColumns: "seq INTEGER PRIMARY KEY" is the rowid the FTS5
	// search tables index (content_rowid='seq', sqlite/00003_search.sql);
	// PostgreSQL's trigram indexes need no such column. The target tables
	// copy the record tables' layout on SQLite; their seq is only a name for
	// the rowid every SQLite table has, and nothing reads it.
	sqliteOnlyColumns = []string{
		"companies.seq", "people.seq", "opportunities.seq", "notes.seq", "tasks.seq",
		"note_targets.seq", "task_targets.seq",
	}
	// sqliteOnlyIndexes: people_ws_email_idx exists because SQLite cannot use
	// the partial unique email index with a bound parameter
	// (sqlite/00008_email_lookup.sql); PostgreSQL can.
	sqliteOnlyIndexes = []string{"people(workspace_id,emails_primary_email,id)"}
)

// column is a column's type class and nullability, as both dialects can state them.
type column struct {
	class   string // text, integer, real, blob on SQLite; finer on PostgreSQL
	notNull bool
}

type schema struct {
	columns map[string]column // "table.column"
	indexes map[string]bool   // "unique table(col,...) partial"
	search  map[string]bool   // "table.column" covered by a substring-search index
}

// sqliteStorage is the SQLite declared type each PostgreSQL type class must
// use: SQLite keeps timestamps (RFC 3339) and JSON as TEXT and booleans as
// INTEGER 0/1, which is what the store's dialect code reads and writes.
var sqliteStorage = map[string]string{
	"text": "TEXT", "timestamp": "TEXT", "json": "TEXT",
	"integer": "INTEGER", "bool": "INTEGER",
	"real": "REAL", "blob": "BLOB",
}

// pgClass maps information_schema data types to type classes.
func pgClass(dataType string) string {
	switch dataType {
	case "text", "character varying", "character", "uuid":
		return "text"
	case "bigint", "integer", "smallint":
		return "integer"
	case "double precision", "real", "numeric":
		return "real"
	case "boolean":
		return "bool"
	case "jsonb", "json":
		return "json"
	case "timestamp with time zone", "timestamp without time zone", "date":
		return "timestamp"
	case "bytea":
		return "blob"
	}
	return "unknown:" + dataType
}

func TestMigrationTreesMatch(t *testing.T) {
	if !storetest.PostgresEnabled(t) {
		t.Skip(storetest.NotRunning)
	}
	lite := sqliteSchema(t, storetest.NewSQLite(t))
	pg := postgresSchema(t, storetest.NewPostgres(t))

	for _, c := range sqliteOnlyColumns {
		if _, ok := lite.columns[c]; !ok {
			t.Errorf("allowance for SQLite-only column %s matches nothing; remove it", c)
		}
		delete(lite.columns, c)
	}
	for _, ix := range sqliteOnlyIndexes {
		if !lite.indexes[ix] {
			t.Errorf("allowance for SQLite-only index %s matches nothing; remove it", ix)
		}
		delete(lite.indexes, ix)
	}

	for _, name := range union(lite.columns, pg.columns) {
		l, inLite := lite.columns[name]
		p, inPG := pg.columns[name]
		switch {
		case !inPG:
			t.Errorf("column %s exists only on SQLite", name)
		case !inLite:
			t.Errorf("column %s exists only on PostgreSQL", name)
		case sqliteStorage[p.class] != l.class:
			t.Errorf("column %s is %s on PostgreSQL and %s on SQLite; want SQLite type %q", name, p.class, l.class, sqliteStorage[p.class])
		case l.notNull != p.notNull:
			t.Errorf("column %s NOT NULL = %v on SQLite, %v on PostgreSQL", name, l.notNull, p.notNull)
		}
	}
	for _, ix := range union(lite.indexes, pg.indexes) {
		if !lite.indexes[ix] {
			t.Errorf("index %s exists only on PostgreSQL", ix)
		}
		if !pg.indexes[ix] {
			t.Errorf("index %s exists only on SQLite", ix)
		}
	}
	// Substring search is dialect-specific by nature (FTS5 trigram tables on
	// SQLite, pg_trgm GIN indexes on PostgreSQL) but must cover the same
	// columns, or ilike is fast on one database and a scan on the other.
	for _, c := range union(lite.search, pg.search) {
		if !lite.search[c] {
			t.Errorf("%s has a trigram index on PostgreSQL but no FTS5 search table column on SQLite", c)
		}
		if !pg.search[c] {
			t.Errorf("%s is in an FTS5 search table on SQLite but has no trigram index on PostgreSQL", c)
		}
	}
	if len(lite.columns) < 50 || len(lite.indexes) < 20 || len(lite.search) == 0 {
		t.Fatalf("read %d columns, %d indexes, %d search columns from SQLite; the catalogue queries are broken", len(lite.columns), len(lite.indexes), len(lite.search))
	}
}

// ignoredTable is bookkeeping that is not part of Roster's schema.
func ignoredTable(name string) bool {
	return name == "goose_db_version" || strings.HasPrefix(name, "sqlite_") || strings.HasPrefix(name, "river_")
}

func sqliteSchema(t *testing.T, s *store.Store) schema {
	t.Helper()
	ctx := context.Background()
	out := schema{columns: map[string]column{}, indexes: map[string]bool{}, search: map[string]bool{}}
	type table struct{ name, sql string }
	var tables []table
	rows, err := s.Read.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatalf("list SQLite tables: %v", err)
	}
	for rows.Next() {
		var tb table
		if err := rows.Scan(&tb.name, &tb.sql); err != nil {
			t.Fatalf("scan SQLite table: %v", err)
		}
		tables = append(tables, tb)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	// FTS5 virtual tables are the search indexes; their shadow tables
	// (name_data, name_idx, ...) are FTS5's own storage.
	var virtual []string
	for _, tb := range tables {
		if strings.HasPrefix(strings.ToUpper(tb.sql), "CREATE VIRTUAL TABLE") {
			virtual = append(virtual, tb.name)
		}
	}
	isShadow := func(name string) bool {
		return slices.ContainsFunc(virtual, func(v string) bool { return strings.HasPrefix(name, v+"_") })
	}
	for _, tb := range tables {
		if ignoredTable(tb.name) || isShadow(tb.name) {
			continue
		}
		if slices.Contains(virtual, tb.name) {
			content := ftsContentTable(t, tb.sql)
			for _, c := range sqliteColumns(t, s, tb.name) {
				out.search[content+"."+c.name] = true
			}
			continue
		}
		for _, c := range sqliteColumns(t, s, tb.name) {
			// SQLite lets a non-INTEGER PRIMARY KEY hold NULL (a documented
			// legacy quirk); the store never writes one, so a primary key
			// counts as NOT NULL, as on PostgreSQL.
			out.columns[tb.name+"."+c.name] = column{class: strings.ToUpper(c.typ), notNull: c.notNull || c.pk}
		}
		for _, ix := range sqliteIndexes(t, s, tb.name) {
			out.indexes[ix] = true
		}
	}
	return out
}

type sqliteColumn struct {
	name, typ   string
	notNull, pk bool
}

func sqliteColumns(t *testing.T, s *store.Store, table string) []sqliteColumn {
	t.Helper()
	rows, err := s.Read.QueryContext(context.Background(), `SELECT name, type, "notnull", pk FROM pragma_table_info($1)`, table)
	if err != nil {
		t.Fatalf("columns of %s: %v", table, err)
	}
	defer rows.Close()
	var out []sqliteColumn
	for rows.Next() {
		var c sqliteColumn
		var pk int
		if err := rows.Scan(&c.name, &c.typ, &c.notNull, &pk); err != nil {
			t.Fatalf("scan column of %s: %v", table, err)
		}
		c.pk = pk > 0
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("columns of %s: %v", table, err)
	}
	return out
}

// sqliteIndexes lists every index of table, including those behind PRIMARY
// KEY and UNIQUE constraints (PostgreSQL has them too), as signatures.
func sqliteIndexes(t *testing.T, s *store.Store, table string) []string {
	t.Helper()
	ctx := context.Background()
	type ix struct {
		name            string
		unique, partial bool
	}
	rows, err := s.Read.QueryContext(ctx, `SELECT name, "unique", partial FROM pragma_index_list($1)`, table)
	if err != nil {
		t.Fatalf("indexes of %s: %v", table, err)
	}
	var list []ix
	for rows.Next() {
		var x ix
		if err := rows.Scan(&x.name, &x.unique, &x.partial); err != nil {
			t.Fatalf("scan index of %s: %v", table, err)
		}
		list = append(list, x)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range list {
		rows, err := s.Read.QueryContext(ctx, `SELECT coalesce(name, '<expr>') FROM pragma_index_info($1) ORDER BY seqno`, x.name)
		if err != nil {
			t.Fatalf("columns of index %s: %v", x.name, err)
		}
		var cols []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				t.Fatalf("scan column of index %s: %v", x.name, err)
			}
			cols = append(cols, c)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		out = append(out, indexSignature(table, cols, x.unique, x.partial))
	}
	return out
}

// ftsContentTable reads content='table' from an FTS5 CREATE statement.
func ftsContentTable(t *testing.T, ddl string) string {
	t.Helper()
	_, rest, ok := strings.Cut(ddl, "content='")
	if !ok {
		t.Fatalf("FTS table without an external content table: %s", ddl)
	}
	name, _, _ := strings.Cut(rest, "'")
	return name
}

func postgresSchema(t *testing.T, s *store.Store) schema {
	t.Helper()
	ctx := context.Background()
	out := schema{columns: map[string]column{}, indexes: map[string]bool{}, search: map[string]bool{}}
	rows, err := s.Read.QueryContext(ctx, `
		SELECT c.table_name, c.column_name, c.data_type, c.is_nullable = 'NO'
		FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatalf("PostgreSQL columns: %v", err)
	}
	for rows.Next() {
		var table, name, typ string
		var notNull bool
		if err := rows.Scan(&table, &name, &typ, &notNull); err != nil {
			t.Fatalf("scan PostgreSQL column: %v", err)
		}
		if !ignoredTable(table) {
			out.columns[table+"."+name] = column{class: pgClass(typ), notNull: notNull}
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}

	// One row per index column, in key order; an expression is attnum 0.
	rows, err = s.Read.QueryContext(ctx, `
		SELECT tc.relname, ic.relname, ix.indisunique, ix.indpred IS NOT NULL, am.amname,
		       coalesce(a.attname, '<expr>'), coalesce(opc.opcname, '')
		FROM pg_index ix
		JOIN pg_class ic ON ic.oid = ix.indexrelid
		JOIN pg_class tc ON tc.oid = ix.indrelid
		JOIN pg_am am ON am.oid = ic.relam
		CROSS JOIN LATERAL generate_series(1, ix.indnkeyatts) AS k(n)
		LEFT JOIN pg_opclass opc ON opc.oid = ix.indclass[k.n - 1]
		LEFT JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = ix.indkey[k.n - 1] AND ix.indkey[k.n - 1] <> 0
		WHERE tc.relnamespace = current_schema()::regnamespace
		ORDER BY ic.relname, k.n`)
	if err != nil {
		t.Fatalf("PostgreSQL indexes: %v", err)
	}
	type ix struct {
		table           string
		unique, partial bool
		cols            []string
	}
	byName := map[string]*ix{}
	var order []string
	for rows.Next() {
		var table, name, method, col, opclass string
		var unique, partial bool
		if err := rows.Scan(&table, &name, &unique, &partial, &method, &col, &opclass); err != nil {
			t.Fatalf("scan PostgreSQL index: %v", err)
		}
		if ignoredTable(table) {
			continue
		}
		if method == "gin" && opclass == "gin_trgm_ops" {
			out.search[table+"."+col] = true
			continue
		}
		x := byName[name]
		if x == nil {
			x = &ix{table: table, unique: unique, partial: partial}
			byName[name] = x
			order = append(order, name)
		}
		x.cols = append(x.cols, col)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range order {
		x := byName[name]
		out.indexes[indexSignature(x.table, x.cols, x.unique, x.partial)] = true
	}
	return out
}

// indexSignature names an index by what it does: its table, key columns in
// order, uniqueness and whether it is partial.
func indexSignature(table string, cols []string, unique, partial bool) string {
	sig := fmt.Sprintf("%s(%s)", table, strings.Join(cols, ","))
	if unique {
		sig = "unique " + sig
	}
	if partial {
		sig += " partial"
	}
	return sig
}

// union returns the keys of a and b, sorted.
func union[V any](a, b map[string]V) []string {
	seen := map[string]bool{}
	for k := range a {
		seen[k] = true
	}
	for k := range b {
		seen[k] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
