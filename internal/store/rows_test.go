package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// TestQueryList reads every row, and on a scan error returns no partial
// list, names what was being read, and leaves no connection held by
// unclosed rows.
func TestQueryList(t *testing.T) {
	db, err := sql.Open(sqliteDriverName, "file:"+filepath.Join(t.TempDir(), "rows.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	scanInt := func(sc rowScanner) (int, error) {
		var n int
		err := sc.Scan(&n)
		return n, err
	}

	got, err := queryList(ctx, db, "numbers", scanInt, "SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3")
	if err != nil || len(got) != 3 || got[0] != 1 || got[2] != 3 {
		t.Fatalf("queryList = %v, %v; want [1 2 3]", got, err)
	}
	none, err := queryList(ctx, db, "nothing", scanInt, "SELECT 1 WHERE 1 = 0")
	if err != nil || len(none) != 0 {
		t.Fatalf("empty result = %v, %v; want none", none, err)
	}

	bad, err := queryList(ctx, db, "numbers", scanInt, "SELECT 1 UNION ALL SELECT 'two'")
	if err == nil || bad != nil || !strings.HasPrefix(err.Error(), "store: numbers: ") {
		t.Fatalf("scan error = %v, %v; want no list and an error naming \"numbers\"", bad, err)
	}
	if inUse := db.Stats().InUse; inUse != 0 {
		t.Errorf("%d connections still in use after a failed scan: rows were not closed", inUse)
	}
	if _, err := queryList(ctx, db, "broken", scanInt, "SELECT FROM"); err == nil || !strings.HasPrefix(err.Error(), "store: broken: ") {
		t.Errorf("query error = %v; want one naming \"broken\"", err)
	}
}
