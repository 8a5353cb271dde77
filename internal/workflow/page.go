package workflow

import (
	"encoding/base64"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// ListParams page a list of workflows, versions or runs by creation time:
// First items after the After cursor, newest first unless Ascending.
type ListParams struct {
	First     int
	After     string
	Ascending bool
	// WithTotal asks for TotalCount, which costs a count query.
	WithTotal bool
}

// Page is one page of a list with a cursor per item.
type Page[T any] struct {
	Items       []T
	Cursors     []string
	HasNextPage bool
	TotalCount  int
}

// window turns the parameters into the store's keyset window, asking for
// one row more than the page to learn whether there is a next page.
func (p ListParams) window() (store.ListPage, int, error) {
	n, err := crm.PageSize("first", p.First)
	if err != nil {
		return store.ListPage{}, 0, err
	}
	w := store.ListPage{Desc: !p.Ascending, Limit: n + 1}
	if p.After != "" {
		raw, err := base64.RawURLEncoding.DecodeString(p.After)
		at, id, ok := strings.Cut(string(raw), "|")
		t, terr := time.Parse(time.RFC3339Nano, at)
		if err != nil || !ok || terr != nil {
			return store.ListPage{}, 0, crm.Invalid("after", crm.CodeMalformedCursor, "not a cursor of this list")
		}
		w.AfterTime, w.AfterID = &t, id
	}
	return w, n, nil
}

func cursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

// paginate cuts rows to the page size and computes cursors.
func paginate[R any, T any](rows []R, n, total int, key func(R) (time.Time, string), conv func(R) (T, error)) (*Page[T], error) {
	pg := &Page[T]{TotalCount: total}
	if len(rows) > n {
		rows, pg.HasNextPage = rows[:n], true
	}
	for _, r := range rows {
		t, err := conv(r)
		if err != nil {
			return nil, err
		}
		at, id := key(r)
		pg.Items = append(pg.Items, t)
		pg.Cursors = append(pg.Cursors, cursor(at, id))
	}
	return pg, nil
}
