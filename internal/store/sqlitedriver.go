package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"

	"modernc.org/sqlite"
)

// sqliteDriverName is modernc's SQLite driver behind a query rewrite.
//
// Roster's SQL uses PostgreSQL's $N placeholders so most of it is shared
// between the dialects. SQLite accepts $N, but as a *named* parameter, and
// looks each one up by a linear scan of the names: a multi-row insert with
// thousands of parameters then spends most of its time in that lookup
// (quadratic). ?N is a numbered parameter, bound directly. This driver
// rewrites $N to ?N outside quotes and comments before SQLite sees the query.
const sqliteDriverName = "roster-sqlite"

func init() {
	sql.Register(sqliteDriverName, &rewriteDriver{inner: &sqlite.Driver{}})
}

type rewriteDriver struct{ inner driver.Driver }

func (d *rewriteDriver) Open(name string) (driver.Conn, error) {
	c, err := d.inner.Open(name)
	if err != nil {
		return nil, err
	}
	return &rewriteConn{c}, nil
}

// innerConn is what modernc's connection offers.
type innerConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

type rewriteConn struct{ driver.Conn }

func (c *rewriteConn) inner() innerConn { return c.Conn.(innerConn) }

func (c *rewriteConn) Prepare(query string) (driver.Stmt, error) {
	return c.Conn.Prepare(numberedParams(query))
}

func (c *rewriteConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.inner().PrepareContext(ctx, numberedParams(query))
}

func (c *rewriteConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.inner().ExecContext(ctx, numberedParams(query), args)
}

func (c *rewriteConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.inner().QueryContext(ctx, numberedParams(query), args)
}

func (c *rewriteConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.inner().BeginTx(ctx, opts)
}

func (c *rewriteConn) Ping(ctx context.Context) error { return c.inner().Ping(ctx) }

func (c *rewriteConn) ResetSession(ctx context.Context) error { return c.inner().ResetSession(ctx) }

func (c *rewriteConn) IsValid() bool { return c.inner().IsValid() }

// numberedParams rewrites $N placeholders for SQLite, leaving string
// literals, quoted identifiers and comments alone (JSON paths such as
// '$.name' stay). When the placeholders are exactly $1, $2, ... $n in order
// they become bare ?: modernc binds a numbered ?N through its name too, so
// only anonymous parameters bind in constant time. Otherwise they become ?N.
func numberedParams(q string) string {
	if !strings.Contains(q, "$") {
		return q
	}
	b := []byte(q)
	var spans [][2]int // start and end of each placeholder's digits
	inOrder := true
	scanParams(b, func(start, end int) {
		n := 0
		for _, c := range b[start+1 : end] {
			n = n*10 + int(c-'0')
		}
		if n != len(spans)+1 {
			inOrder = false
		}
		spans = append(spans, [2]int{start, end})
	})
	if !inOrder {
		for _, sp := range spans {
			b[sp[0]] = '?'
		}
		return string(b)
	}
	out := make([]byte, 0, len(b))
	last := 0
	for _, sp := range spans {
		out = append(out, b[last:sp[0]]...)
		out = append(out, '?')
		last = sp[1]
	}
	return string(append(out, b[last:]...))
}

// scanParams calls fn with the byte span of every $N placeholder outside
// quotes and comments.
func scanParams(b []byte, fn func(start, end int)) {
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '\'' || c == '"' || c == '`':
			for i++; i < len(b) && b[i] != c; i++ {
			}
		case c == '-' && i+1 < len(b) && b[i+1] == '-':
			for i += 2; i < len(b) && b[i] != '\n'; i++ {
			}
		case c == '/' && i+1 < len(b) && b[i+1] == '*':
			for i += 2; i+1 < len(b) && !(b[i] == '*' && b[i+1] == '/'); i++ {
			}
			i++
		case c == '$' && i+1 < len(b) && b[i+1] >= '0' && b[i+1] <= '9':
			j := i + 1
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				j++
			}
			fn(i, j)
			i = j - 1
		}
	}
}
