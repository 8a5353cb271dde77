package whopsim

import (
	"encoding/base64"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Page sizes. Whop documents a default of 20; the cap of 100 is not
// confirmed, so larger requests are clamped to it rather than refused.
const (
	defaultPageSize = 20
	maxPageSize     = 100
)

// pageReq is the parsed cursor-pagination part of a list query.
type pageReq struct {
	n         int
	backward  bool // last/before: the page ends at the bound
	after     *cursorKey
	before    *cursorKey
	desc      bool
	orderByID bool
}

type cursorKey struct {
	t  int64 // created_at in unix nanoseconds; 0 when ordering by id
	id string
}

// Cursors are opaque to clients: base64url of a versioned sort key, so a
// client that builds or edits one gets a 400, not a silently wrong page.
func encodeCursor(k cursorKey) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c1|" + strconv.FormatInt(k.t, 10) + "|" + k.id))
}

func decodeCursor(s string) (*cursorKey, *apiError) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	parts := strings.SplitN(string(b), "|", 3)
	if err != nil || len(parts) != 3 || parts[0] != "c1" {
		return nil, errBadRequest("Invalid cursor %q", s)
	}
	t, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return nil, errBadRequest("Invalid cursor %q", s)
	}
	return &cursorKey{t: t, id: parts[2]}, nil
}

func parsePage(q url.Values) (pageReq, *apiError) {
	p := pageReq{n: defaultPageSize}
	size := func(name string) (int, bool, *apiError) {
		v := q.Get(name)
		if v == "" {
			return 0, false, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, false, errBadRequest("%s must be a positive integer", name)
		}
		return min(n, maxPageSize), true, nil
	}
	first, hasFirst, e := size("first")
	if e != nil {
		return p, e
	}
	last, hasLast, e := size("last")
	if e != nil {
		return p, e
	}
	if hasFirst && hasLast {
		return p, errBadRequest("Pass either first or last, not both")
	}
	switch {
	case hasFirst:
		p.n = first
	case hasLast:
		p.n, p.backward = last, true
	}
	if v := q.Get("after"); v != "" {
		if p.after, e = decodeCursor(v); e != nil {
			return p, e
		}
	}
	if v := q.Get("before"); v != "" {
		if p.before, e = decodeCursor(v); e != nil {
			return p, e
		}
		if !hasFirst {
			p.backward = true
		}
	}
	switch strings.ToLower(q.Get("direction")) {
	case "", "asc":
	case "desc":
		p.desc = true
	default:
		return p, errBadRequest("direction must be asc or desc")
	}
	// Other documented orders (status, total_spend, ...) are accepted and
	// served in created_at order; only id changes the sequence.
	p.orderByID = q.Get("order") == "id"
	return p, nil
}

// arrayParam reads a bracket array filter (statuses[]=a&statuses[]=b); the
// bare name is accepted too, since unknown encodings should not fail.
func arrayParam(q url.Values, name string) map[string]bool {
	vals := append(append([]string{}, q[name+"[]"]...), q[name]...)
	if len(vals) == 0 {
		return nil
	}
	set := make(map[string]bool, len(vals))
	for _, v := range vals {
		set[v] = true
	}
	return set
}

// timeParam reads an optional time filter.
func timeParam(q url.Values, name string) (*time.Time, *apiError) {
	v := q.Get(name)
	if v == "" {
		return nil, nil
	}
	t, err := parseTime(v)
	if err != nil {
		return nil, errBadRequest("%s: %v", name, err)
	}
	return &t, nil
}

// paginate cuts one page out of a table. In the default order (created_at,
// ascending) it binary-searches the cursor and scans only as far as the page
// needs, so walking 200,000 rows costs one pass in total.
func paginate[T any](t *table[T], p pageReq, match func(*T) bool, render func(*T) obj, lastPageStyle string) obj {
	keyOf := func(r *T) cursorKey {
		ct, id := t.key(r)
		if p.orderByID {
			return cursorKey{id: id}
		}
		return cursorKey{t: ct.UnixNano(), id: id}
	}
	cmp := func(a, b cursorKey) int {
		c := 0
		switch {
		case a.t < b.t:
			c = -1
		case a.t > b.t:
			c = 1
		default:
			c = strings.Compare(a.id, b.id)
		}
		if p.desc {
			return -c
		}
		return c
	}
	seq := t.rows
	if p.desc || p.orderByID {
		seq = make([]*T, 0, len(t.rows))
		for _, r := range t.rows {
			if match(r) {
				seq = append(seq, r)
			}
		}
		sort.SliceStable(seq, func(i, j int) bool { return cmp(keyOf(seq[i]), keyOf(seq[j])) < 0 })
	}
	lo, hi := 0, len(seq)
	if p.after != nil {
		lo = sort.Search(len(seq), func(i int) bool { return cmp(keyOf(seq[i]), *p.after) > 0 })
	}
	if p.before != nil {
		hi = sort.Search(len(seq), func(i int) bool { return cmp(keyOf(seq[i]), *p.before) >= 0 })
	}
	anyMatch := func(from, to, step int) bool {
		for i := from; i != to; i += step {
			if match(seq[i]) {
				return true
			}
		}
		return false
	}
	var rows []*T
	var hasNext, hasPrev bool
	if !p.backward {
		i := lo
		for ; i < hi && len(rows) < p.n; i++ {
			if match(seq[i]) {
				rows = append(rows, seq[i])
			}
		}
		hasNext = anyMatch(i, len(seq), 1)
		hasPrev = anyMatch(lo-1, -1, -1)
	} else {
		i := hi - 1
		for ; i >= lo && len(rows) < p.n; i-- {
			if match(seq[i]) {
				rows = append(rows, seq[i])
			}
		}
		for a, b := 0, len(rows)-1; a < b; a, b = a+1, b-1 {
			rows[a], rows[b] = rows[b], rows[a]
		}
		hasPrev = anyMatch(i, -1, -1)
		hasNext = anyMatch(hi, len(seq), 1)
	}
	data := make([]obj, len(rows))
	for i, r := range rows {
		data[i] = render(r)
	}
	var start, end any
	if len(rows) > 0 {
		start, end = encodeCursor(keyOf(rows[0])), encodeCursor(keyOf(rows[len(rows)-1]))
		if lastPageStyle == LastPageNullCursor {
			if !p.backward && !hasNext {
				end = nil
			}
			if p.backward && !hasPrev {
				start = nil
			}
		}
	}
	return obj{"data": data, "page_info": obj{
		"end_cursor": end, "start_cursor": start,
		"has_next_page": hasNext, "has_previous_page": hasPrev,
	}}
}
