package web

import (
	"net/url"
	"strconv"
	"strings"
)

// tableState is everything a table page shows, read from and written back
// to the URL query, so any view is a link (and a saved view is just that
// query string):
//
//	q=smith                         search
//	f=city&o=eq&v=Berlin            filters, repeated, AND-ed
//	synced=1 status=active (repeated) product=prod_1
//	renew_from=2025-01-01 renew_to=2025-02-01 cancel=1   Whop filters
//	sort=city&dir=desc              ordering
//	c=email&c=city                  chosen columns (none: the defaults)
//	after=... / before=...          keyset cursors
type tableState struct {
	Q         string
	Filters   []filterRow
	Synced    bool
	Statuses  []string
	Product   string
	RenewFrom string
	RenewTo   string
	Cancel    bool
	Sort      string // column key
	Desc      bool
	Cols      []string // chosen column keys; nil means the defaults
	After     string
	Before    string
}

// filterRow is one "field / operator / value" row of the filter form.
type filterRow struct {
	Field, Op, Value string
	Error            string
	Num              int // 1-based, for labels ("filter 2")
}

// Bounds on a URL's state so a hostile link cannot build a huge query.
const (
	maxFilterRows = 20
	maxStatuses   = 10
)

// parseTableState reads the state from a query. Unknown columns and sort
// keys are dropped (a saved view may outlive a column); filters are checked
// later, when they are compiled, so their errors can be shown on the row.
func parseTableState(spec *tableSpec, v url.Values) tableState {
	st := tableState{
		Q:         strings.TrimSpace(v.Get("q")),
		Synced:    v.Get("synced") == "1",
		Product:   strings.TrimSpace(v.Get("product")),
		RenewFrom: strings.TrimSpace(v.Get("renew_from")),
		RenewTo:   strings.TrimSpace(v.Get("renew_to")),
		Cancel:    v.Get("cancel") == "1",
		After:     v.Get("after"),
		Before:    v.Get("before"),
	}
	if spec.whop == whopNone {
		st.Synced, st.Product, st.RenewFrom, st.RenewTo, st.Cancel = false, "", "", "", false
	} else {
		for _, s := range v["status"] {
			if s = strings.TrimSpace(s); s != "" && len(st.Statuses) < maxStatuses && !hasString(st.Statuses, s) {
				st.Statuses = append(st.Statuses, s)
			}
		}
	}
	fs, ops, vs := v["f"], v["o"], v["v"]
	for i, f := range fs {
		if len(st.Filters) == maxFilterRows {
			break
		}
		row := filterRow{Field: strings.TrimSpace(f)}
		if i < len(ops) {
			row.Op = ops[i]
		}
		if i < len(vs) {
			row.Value = vs[i]
		}
		if rm := v.Get("remove"); rm != "" && rm == strconv.Itoa(i) {
			continue
		}
		st.Filters = append(st.Filters, row)
	}
	if _, ok := spec.column(v.Get("sort")); ok {
		st.Sort = v.Get("sort")
		st.Desc = v.Get("dir") == "desc"
	}
	for _, c := range v["c"] {
		if _, ok := spec.column(c); ok && !hasString(st.Cols, c) {
			st.Cols = append(st.Cols, c)
		}
	}
	return st
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// values writes the state back as a query, without cursors (links that
// change the view start from the first page) and without empty filter
// rows.
func (st tableState) values() url.Values {
	v := url.Values{}
	if st.Q != "" {
		v.Set("q", st.Q)
	}
	for _, f := range st.Filters {
		if f.Field == "" {
			continue
		}
		v.Add("f", f.Field)
		v.Add("o", f.Op)
		v.Add("v", f.Value)
	}
	if st.Synced {
		v.Set("synced", "1")
	}
	for _, s := range st.Statuses {
		v.Add("status", s)
	}
	if st.Product != "" {
		v.Set("product", st.Product)
	}
	if st.RenewFrom != "" {
		v.Set("renew_from", st.RenewFrom)
	}
	if st.RenewTo != "" {
		v.Set("renew_to", st.RenewTo)
	}
	if st.Cancel {
		v.Set("cancel", "1")
	}
	if st.Sort != "" {
		v.Set("sort", st.Sort)
		if st.Desc {
			v.Set("dir", "desc")
		} else {
			v.Set("dir", "asc")
		}
	}
	for _, c := range st.Cols {
		v.Add("c", c)
	}
	return v
}

// href is a link to the page (or path) with extra parameters on top of the
// state.
func (st tableState) href(path string, extra ...string) string {
	v := st.values()
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// columns resolves the chosen columns, the name column always first.
func (st tableState) columns(spec *tableSpec) []column {
	out := []column{spec.columns[0]}
	for _, c := range spec.columns[1:] {
		if (st.Cols == nil && c.def) || hasString(st.Cols, c.key) {
			out = append(out, c)
		}
	}
	return out
}
