package records

import (
	"strings"

	"github.com/roster-crm/roster/internal/crm"
)

// SearchParams are the inputs of SearchFilter.
type SearchParams struct {
	Schema *crm.Schema
	// Query is what the user typed.
	Query string
	// IDs are records found by q elsewhere (people by their Whop membership
	// ID or email): they match too.
	IDs []string
}

// SearchFilter is the one quick search of records, used by the command
// palette and the tables' search box alike: a record matches when one of
// its searchable text fields contains the query (case-insensitive), when a
// person's first and last name together match "Ada Love", or when it is one
// of p.IDs.
func (s *Service) SearchFilter(p SearchParams) (*crm.Filter, error) {
	q := strings.TrimSpace(p.Query)
	or := &crm.Filter{}
	cond := func(path string, op crm.Op, v any) (*crm.Filter, error) {
		c, err := p.Schema.Condition(path, string(op), v, false)
		if err != nil {
			return nil, err
		}
		return &crm.Filter{Conds: []crm.Cond{c}}, nil
	}
	for _, path := range p.Schema.Object.Searchable {
		f, err := cond(path, crm.OpILike, "%"+q+"%")
		if err != nil {
			return nil, err
		}
		or.Or = append(or.Or, f)
	}
	if first, last, ok := strings.Cut(q, " "); ok && p.Schema.Object == crm.PersonObject {
		ff, err := cond("name.firstName", crm.OpILike, "%"+first+"%")
		if err != nil {
			return nil, err
		}
		lf, err := cond("name.lastName", crm.OpILike, "%"+strings.TrimSpace(last)+"%")
		if err != nil {
			return nil, err
		}
		or.Or = append(or.Or, &crm.Filter{And: []*crm.Filter{ff, lf}})
	}
	if len(p.IDs) > 0 {
		ids := make([]any, len(p.IDs))
		for i, id := range p.IDs {
			ids[i] = id
		}
		f, err := cond("id", crm.OpIn, ids)
		if err != nil {
			return nil, err
		}
		or.Or = append(or.Or, f)
	}
	return or, nil
}
