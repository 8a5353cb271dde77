package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/whopstatus"
	"github.com/roster-crm/roster/internal/whopsync"
)

// tablePageSize is the number of rows per page of a table.
const tablePageSize = 50

// tableView is what templates/pages/table_list.html renders.
type tableView struct {
	Title, Path, One, Many string
	State                  tableState
	Total                  string // "1,234 people"
	Columns                []headerView
	Choices                []choiceView // the column chooser
	Rows                   [][]cell
	FilterFields           []option
	FilterOps              []option
	Whop                   *whopView
	Next, Prev, Export     string
	AddFilter              string
	Query                  string // the state as a query string, for saving
	Views                  []viewLink
	Error                  string
	SaveError              string
	SaveName               string
}

type headerView struct {
	Label, Href, AriaSort, SortHint string
	Num                             bool
}

type choiceView struct {
	Key, Label string
	Checked    bool
}

type whopView struct {
	Statuses []choiceView
	Products []option
	Error    string
}

type viewLink struct {
	ID, Name, Href, Delete string
}

// tableList is the page of one object's table (GET /people ...).
func (u *UI) tableList(spec *tableSpec) handlerFunc {
	return u.requireUser(func(w http.ResponseWriter, r *http.Request) error {
		v, status, err := u.tableData(r, spec)
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			w.WriteHeader(status)
		}
		return u.render(w, r, "table_list", spec.title, v)
	})
}

// tableData loads one page of the table: one COUNT and one page query
// (records.List), then the related names of that page in one GetMany per
// related object. The status is 400 when a filter did not compile.
func (u *UI) tableData(r *http.Request, spec *tableSpec) (*tableView, int, error) {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	q := r.URL.Query()
	st := parseTableState(spec, q)
	if q.Get("add") != "" && len(st.Filters) < maxFilterRows {
		st.Filters = append(st.Filters, filterRow{Op: "eq"})
	}
	schema, err := u.cfg.Records.Schema(ctx, p.WorkspaceID, spec.obj)
	if err != nil {
		return nil, 0, err
	}
	c, err := u.compile(ctx, p.WorkspaceID, spec, schema, &st)
	if err != nil {
		return nil, 0, err
	}
	if len(st.Filters) == 0 {
		st.Filters = []filterRow{{Op: "eq"}}
	}
	for i := range st.Filters {
		st.Filters[i].Num = i + 1
	}
	v := &tableView{Title: spec.title, Path: spec.path, One: spec.one, Many: spec.many, State: st,
		FilterFields: filterFields(schema), FilterOps: filterOps,
		Export: st.href(spec.path + "/export.csv"), Query: st.values().Encode()}
	v.AddFilter = st.href(spec.path, "add", "1")
	cols := st.columns(spec)
	v.Columns = headers(spec, st, cols)
	for _, col := range spec.columns[1:] {
		v.Choices = append(v.Choices, choiceView{Key: col.key, Label: col.label, Checked: hasString(keys(cols), col.key)})
	}
	var products []whopsync.ProductChoice
	if spec.whop != whopNone {
		if products, err = u.productChoices(ctx, p.WorkspaceID); err != nil {
			return nil, 0, err
		}
		v.Whop = &whopView{Error: c.whopError}
		for _, s := range whopstatus.All {
			v.Whop.Statuses = append(v.Whop.Statuses, choiceView{Key: s, Label: whopstatus.Label(s), Checked: hasString(st.Statuses, s)})
		}
		known := false
		for _, pr := range products {
			v.Whop.Products = append(v.Whop.Products, option{pr.WhopID, pr.Title})
			known = known || pr.WhopID == st.Product
		}
		if st.Product != "" && !known {
			v.Whop.Products = append(v.Whop.Products, option{st.Product, st.Product})
		}
	}
	if p.UserID != nil {
		saved, err := u.cfg.Views.List(ctx, p.WorkspaceID, *p.UserID, spec.obj.Name)
		if err != nil {
			return nil, 0, err
		}
		for _, sv := range saved {
			href := spec.path
			if sv.Query != "" {
				href += "?" + sv.Query
			}
			v.Views = append(v.Views, viewLink{ID: sv.ID, Name: sv.Name, Href: href, Delete: spec.path + "/views/" + sv.ID + "/delete"})
		}
	}
	if c.invalid {
		v.Error = "Some filters need fixing; no results are shown until they do."
		v.Total = "No " + spec.many
		return v, http.StatusBadRequest, nil
	}
	lp := crm.ListParams{Filter: c.filter, OrderBy: c.orders, First: tablePageSize, After: st.After, WithTotal: true}
	if st.Before != "" {
		lp = crm.ListParams{Filter: c.filter, OrderBy: c.orders, Last: tablePageSize, Before: st.Before, WithTotal: true}
	}
	page, err := u.cfg.Records.List(ctx, p.WorkspaceID, schema, lp)
	if err != nil {
		if e, ok := crm.AsError(err); ok && e.Code == crm.CodeMalformedCursor {
			return nil, 0, crm.Invalid("after", crm.CodeMalformedCursor, "This page link is out of date. Go back to the first page.")
		}
		return nil, 0, err
	}
	l, err := u.lookups(ctx, p.WorkspaceID, page.Records, cols, products)
	if err != nil {
		return nil, 0, err
	}
	for _, rec := range page.Records {
		row := make([]cell, len(cols))
		for i, col := range cols {
			row[i] = col.value(rec, l)
		}
		v.Rows = append(v.Rows, row)
	}
	v.Total = countText(page.TotalCount, spec.one, spec.many)
	if page.HasNextPage && len(page.Cursors) > 0 {
		v.Next = st.href(spec.path, "after", page.Cursors[len(page.Cursors)-1])
	}
	if page.HasPreviousPage && len(page.Cursors) > 0 {
		v.Prev = st.href(spec.path, "before", page.Cursors[0])
	}
	return v, http.StatusOK, nil
}

// productChoices lists the synced Whop products the filters offer; none
// when the integration is off.
func (u *UI) productChoices(ctx context.Context, workspaceID string) ([]whopsync.ProductChoice, error) {
	if u.cfg.Whop == nil {
		return nil, nil
	}
	return u.cfg.Whop.ProductChoices(ctx, workspaceID)
}

func keys(cols []column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.key
	}
	return out
}

// headers builds the column headers with their sort links: a click sorts
// ascending, a second click descending.
func headers(spec *tableSpec, st tableState, cols []column) []headerView {
	cur, desc := st.Sort, st.Desc
	if cur == "" {
		cur, desc = spec.defaultSort, true
	}
	out := make([]headerView, len(cols))
	for i, col := range cols {
		h := headerView{Label: col.label, Num: col.num}
		if col.sort != "" {
			next := st
			next.Sort, next.Desc = col.key, false
			h.SortHint = "sort ascending"
			if cur == col.key {
				h.AriaSort = "ascending"
				if desc {
					h.AriaSort = "descending"
				} else {
					next.Desc = true
					h.SortHint = "sort descending"
				}
			}
			h.Href = next.href(spec.path)
		}
		out[i] = h
	}
	return out
}

// lookups fetches the names the shown columns need for this page's
// records: one GetMany per related object, never a query per row.
func (u *UI) lookups(ctx context.Context, workspaceID string, recs []crm.Record, cols []column, products []whopsync.ProductChoice) (*lookups, error) {
	l := &lookups{products: map[string]string{}}
	for _, p := range products {
		l.products[p.WhopID] = p.Title
	}
	shown := keys(cols)
	var companyIDs, personIDs []string
	for _, r := range recs {
		switch x := r.(type) {
		case *crm.Person:
			if x.CompanyID != nil && hasString(shown, "company") {
				companyIDs = append(companyIDs, *x.CompanyID)
			}
		case *crm.Opportunity:
			if x.CompanyID != nil && hasString(shown, "company") {
				companyIDs = append(companyIDs, *x.CompanyID)
			}
			if x.PointOfContactID != nil && hasString(shown, "contact") {
				personIDs = append(personIDs, *x.PointOfContactID)
			}
		}
	}
	var err error
	if len(companyIDs) > 0 {
		if l.companies, err = u.cfg.Records.GetMany(ctx, workspaceID, crm.CompanyObject, companyIDs); err != nil {
			return nil, err
		}
	}
	if len(personIDs) > 0 {
		if l.people, err = u.cfg.Records.GetMany(ctx, workspaceID, crm.PersonObject, personIDs); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// countText is "1 person", "1,234 people".
func countText(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	s := strconv.Itoa(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out) + " " + many
}
