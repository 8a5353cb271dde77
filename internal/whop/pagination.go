package whop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// MaxPageSize is the largest page Whop serves (first=100). List calls ask for
// it unless told otherwise, so a full sync makes the fewest requests.
const MaxPageSize = 100

// PageInfo is a v1 list response's cursor block.
type PageInfo struct {
	EndCursor       string `json:"end_cursor"`
	StartCursor     string `json:"start_cursor"`
	HasNextPage     bool   `json:"has_next_page"`
	HasPreviousPage bool   `json:"has_previous_page"`
}

// UnmarshalJSON reads page_info. When has_next_page is absent, it is taken to
// be true exactly when end_cursor is set: Whop's own SDKs look only at the
// cursor, so a response that leaves the flag out must still paginate.
func (p *PageInfo) UnmarshalJSON(b []byte) error {
	var raw struct {
		EndCursor       *string `json:"end_cursor"`
		StartCursor     *string `json:"start_cursor"`
		HasNextPage     *bool   `json:"has_next_page"`
		HasPreviousPage *bool   `json:"has_previous_page"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*p = PageInfo{}
	if raw.EndCursor != nil {
		p.EndCursor = *raw.EndCursor
	}
	if raw.StartCursor != nil {
		p.StartCursor = *raw.StartCursor
	}
	if raw.HasPreviousPage != nil {
		p.HasPreviousPage = *raw.HasPreviousPage
	}
	if raw.HasNextPage != nil {
		p.HasNextPage = *raw.HasNextPage
	} else {
		p.HasNextPage = p.EndCursor != ""
	}
	return nil
}

// NextCursor returns the cursor of the following page. Whether the last page
// carries a null cursor or has_next_page:false with a cursor is not
// documented, so either one ends the list.
func (p PageInfo) NextCursor() (string, bool) {
	if !p.HasNextPage || p.EndCursor == "" {
		return "", false
	}
	return p.EndCursor, true
}

// Page is one page of a v1 list.
type Page[T any] struct {
	Data     []T      `json:"data"`
	PageInfo PageInfo `json:"page_info"`
}

// Next returns the cursor of the following page; an empty page is the last
// one whatever its page_info says (as in Whop's SDKs), which also stops a
// server that keeps handing out cursors from looping us forever.
func (p *Page[T]) Next() (string, bool) {
	if len(p.Data) == 0 {
		return "", false
	}
	return p.PageInfo.NextCursor()
}

// ErrCursorLoop means a list handed back a cursor it had already given for
// this walk: following it would fetch the same pages forever.
var ErrCursorLoop = errors.New("whop: pagination: the cursor did not advance")

// PageFunc receives each page of a walk and the cursor that follows it (""
// after the last page). A sync stores next in the same transaction as the
// page's rows and passes it back as Walk's after to continue where it
// stopped.
type PageFunc[T any] func(items []T, next string) error

// Walk fetches the page after the cursor after ("" for the first page), hands
// it to fn, and follows the cursors until the last page. It makes exactly one
// request per page. A cursor seen before in this walk (including after
// itself) stops it with ErrCursorLoop before the page is handed on, so a
// server that does not advance cannot keep a sync busy forever. An error from
// fetch or fn stops the walk and is returned as is.
func Walk[T any](ctx context.Context, after string, fetch func(ctx context.Context, after string) (*Page[T], error), fn PageFunc[T]) error {
	seen := map[string]bool{after: true}
	for pages := 1; ; pages++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		page, err := fetch(ctx, after)
		if err != nil {
			return err
		}
		next, more := page.Next()
		if more && seen[next] {
			return fmt.Errorf("%w: page %d pointed back to cursor %q", ErrCursorLoop, pages, next)
		}
		if err := fn(page.Data, next); err != nil {
			return err
		}
		if !more {
			return nil
		}
		seen[next] = true
		after = next
	}
}

// listQuery starts a list query: page size, cursor and the client's company.
func (c *Client) listQuery(first int, after string) url.Values {
	q := url.Values{}
	if first <= 0 || first > MaxPageSize {
		first = MaxPageSize
	}
	q.Set("first", strconv.Itoa(first))
	if after != "" {
		q.Set("after", after)
	}
	if c.companyID != "" {
		q.Set("company_id", c.companyID)
	}
	return q
}

// addArray writes an array filter in Whop's bracket form: key[]=a&key[]=b.
func addArray(q url.Values, key string, vals []string) {
	for _, v := range vals {
		q.Add(key+"[]", v)
	}
}

// addTime writes a timestamp filter in ISO-8601 when t is set.
func addTime(q url.Values, key string, t time.Time) {
	if !t.IsZero() {
		q.Set(key, formatTime(t))
	}
}

func addString(q url.Values, key, v string) {
	if v != "" {
		q.Set(key, v)
	}
}
