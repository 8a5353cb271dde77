package rest

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
)

// ParseOrderBy compiles Twenty's REST ordering,
// "name.firstName[AscNullsFirst],createdAt[DescNullsLast]", against the
// schema. The direction is optional and defaults to AscNullsFirst; keys
// apply in the order written.
func ParseOrderBy(s *crm.Schema, text string) ([]crm.Order, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	var out []crm.Order
	pos := 0
	for _, part := range strings.Split(text, ",") {
		item := strings.TrimSpace(part)
		path, dir := item, ""
		if i := strings.IndexByte(item, '['); i >= 0 {
			if !strings.HasSuffix(item, "]") {
				return nil, crm.Invalid("order_by", crm.CodeInvalidValue, "malformed order_by at position %d: %q needs a closing ]", pos, item)
			}
			path, dir = strings.TrimSpace(item[:i]), strings.TrimSpace(item[i+1:len(item)-1])
		}
		if path == "" {
			return nil, crm.Invalid("order_by", crm.CodeInvalidValue, "malformed order_by at position %d: expected a field name", pos)
		}
		o, err := s.OrderBy(path, dir)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
		pos += len(part) + 1
	}
	return out, nil
}

// listParams reads filter, order_by, limit, starting_after and ending_before
// from a list request's query. depth is accepted and ignored: relations are
// returned as IDs.
func listParams(s *crm.Schema, q url.Values) (crm.ListParams, error) {
	p := crm.ListParams{WithTotal: true}
	f, err := ParseFilter(s, q.Get("filter"))
	if err != nil {
		return p, err
	}
	p.Filter = f
	if p.OrderBy, err = ParseOrderBy(s, q.Get("order_by")); err != nil {
		return p, err
	}
	limit := crm.DefaultPageSize
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, crm.Invalid("limit", crm.CodeInvalidType, "limit %q must be a whole number from 1 to %d", v, crm.MaxPageSize)
		}
		if limit, err = crm.PageSize("limit", n); err != nil {
			return p, err
		}
	}
	after, before := q.Get("starting_after"), q.Get("ending_before")
	if after != "" && before != "" {
		return p, crm.Invalid("ending_before", crm.CodeInvalidValue, "use starting_after or ending_before, not both")
	}
	if before != "" {
		p.Last, p.Before = limit, before
	} else {
		p.First, p.After = limit, after
	}
	return p, nil
}

// cursorParam renames the service's cursor errors ("after", "before") to the
// REST parameter the client sent.
func cursorParam(err error) error {
	e, ok := crm.AsError(err)
	if !ok || e.Code != crm.CodeMalformedCursor {
		return err
	}
	cp := *e
	switch e.Field {
	case "after":
		cp.Field = "starting_after"
	case "before":
		cp.Field = "ending_before"
	}
	return &cp
}
