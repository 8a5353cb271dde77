package store

import (
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names a SQL dialect and owns the few expressions that differ between
// SQLite and PostgreSQL. Most SQL is shared: both accept $N placeholders,
// RETURNING, ON CONFLICT, partial indexes and NULLS FIRST/LAST.
type Dialect string

// The two supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// sqliteTimeLayout is fixed-width so that text comparison orders timestamps
// correctly in SQLite, which has no timestamp type.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z"

// Time converts a time to the value the driver should bind.
func (d Dialect) Time(t time.Time) any {
	if d == SQLite {
		return t.UTC().Format(sqliteTimeLayout)
	}
	return t.UTC()
}

// NullTime is Time for an optional value.
func (d Dialect) NullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return d.Time(*t)
}

// ParseTime reads a timestamp as either driver returns it.
func ParseTime(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), nil
	case string:
		return parseTimeString(x)
	case []byte:
		return parseTimeString(string(x))
	}
	return time.Time{}, errors.New("store: not a timestamp")
}

func parseTimeString(s string) (time.Time, error) {
	for _, layout := range []string{sqliteTimeLayout, time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("store: bad timestamp " + s)
}

// TimeScanner scans a timestamp column from either dialect into a time.Time.
type TimeScanner struct{ Dst *time.Time }

// Scan implements sql.Scanner.
func (s TimeScanner) Scan(v any) error {
	if v == nil {
		*s.Dst = time.Time{}
		return nil
	}
	t, err := ParseTime(v)
	if err != nil {
		return err
	}
	*s.Dst = t
	return nil
}

// NullTimeScanner scans a nullable timestamp column into a *time.Time.
type NullTimeScanner struct{ Dst **time.Time }

// Scan implements sql.Scanner.
func (s NullTimeScanner) Scan(v any) error {
	if v == nil {
		*s.Dst = nil
		return nil
	}
	t, err := ParseTime(v)
	if err != nil {
		return err
	}
	*s.Dst = &t
	return nil
}

// IsUniqueViolation reports whether err is a unique-constraint failure, and
// returns the constraint's description: the index name on PostgreSQL, the
// "table.column, ..." list on SQLite.
func IsUniqueViolation(err error) (string, bool) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return pgErr.ConstraintName, true
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) && (sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
		msg := sqErr.Error()
		if i := strings.Index(msg, "UNIQUE constraint failed: "); i >= 0 {
			cols, _, _ := strings.Cut(msg[i+len("UNIQUE constraint failed: "):], " (")
			return cols, true
		}
		return msg, true
	}
	return "", false
}

// IsForeignKeyViolation reports whether err is a foreign-key failure.
func IsForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		return true
	}
	var sqErr *sqlite.Error
	return errors.As(err, &sqErr) && sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}
