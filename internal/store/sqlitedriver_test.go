package store

import "testing"

func TestNumberedParams(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT * FROM t WHERE a = $1 AND b IN ($2, $10)", "SELECT * FROM t WHERE a = ?1 AND b IN (?2, ?10)"},
		{"SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)", "SELECT * FROM t WHERE a = ? AND b IN (?, ?)"},
		{"UPDATE t SET a = $1, b = $1 WHERE c = $2", "UPDATE t SET a = ?1, b = ?1 WHERE c = ?2"},
		{"SELECT json_extract(c, '$.a') FROM t WHERE x = $1", "SELECT json_extract(c, '$.a') FROM t WHERE x = ?"},
		{"SELECT '$1', \"$2\", $3 -- $4\n, $5 /* $6 */ , $7", "SELECT '$1', \"$2\", ?3 -- $4\n, ?5 /* $6 */ , ?7"},
		{"SELECT 'it''s $1', $1, $2", "SELECT 'it''s $1', ?, ?"},
		{"UPDATE t SET a = $", "UPDATE t SET a = $"},
	} {
		if got := numberedParams(tc.in); got != tc.want {
			t.Errorf("numberedParams(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}
