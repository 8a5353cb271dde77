package workflow

import (
	"context"
	"fmt"

	"github.com/roster-crm/roster/internal/crm"
)

// FIND_RECORDS {objectName, filter, orderBy, limit}: lists records with the
// API's filter and order language. Its output is {records, totalCount}, so
// {{<stepId>.records.0.id}} is the first match.
type findRecords struct{ svc *Service }

// findRecordsDefaultLimit is how many records FIND_RECORDS returns when
// limit is absent.
const findRecordsDefaultLimit = 10

func (findRecords) Type() string { return "FIND_RECORDS" }

func (findRecords) Validate(ctx context.Context, c *Check) error {
	schema, err := checkObject(ctx, c)
	if err != nil {
		return err
	}
	if v, ok := c.Input("filter"); ok {
		m, isMap := v.(map[string]any)
		if !isMap {
			return c.Errorf("filter", crm.CodeInvalidType, "expected a filter object")
		}
		refs, _ := references(m, "")
		if len(refs) == 0 {
			if _, err := schema.ParseFilter(m); err != nil {
				return c.Errorf("filter", crm.CodeInvalidValue, "%v", err)
			}
		}
	}
	if v, ok := c.Input("orderBy"); ok {
		if _, err := parseOrderBy(schema, v); err != nil {
			return c.Errorf("orderBy", crm.CodeInvalidValue, "%v", err)
		}
	}
	if v, ok := c.Input("limit"); ok {
		if _, err := findLimit(v); err != nil {
			return c.Errorf("limit", crm.CodeInvalidValue, "%v", err)
		}
	}
	return nil
}

func parseOrderBy(schema *crm.Schema, v any) ([]crm.Order, error) {
	var list []map[string]any
	switch x := v.(type) {
	case map[string]any:
		list = []map[string]any{x}
	case []any:
		for i, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("orderBy[%d] is not an object", i)
			}
			list = append(list, m)
		}
	default:
		return nil, fmt.Errorf("expected [{\"field\": \"AscNullsFirst\"}]")
	}
	return schema.ParseOrderBy(list)
}

func findLimit(v any) (int, error) {
	if v == nil {
		return findRecordsDefaultLimit, nil
	}
	f, ok := v.(float64)
	if !ok || f != float64(int(f)) || f < 1 || f > crm.MaxPageSize {
		return 0, fmt.Errorf("limit must be a whole number from 1 to %d", crm.MaxPageSize)
	}
	return int(f), nil
}

func (findRecords) OutputSchema(ctx context.Context, c *Check) (*Schema, error) {
	schema, err := checkObject(ctx, c)
	if err != nil {
		return nil, err
	}
	return Object(map[string]*Schema{"records": ArrayOf(RecordSchema(schema)), "totalCount": Scalar(TypeNumber)}), nil
}

func (a *findRecords) Execute(ctx context.Context, x *Exec) (*Result, error) {
	o, err := recordObject(x)
	if err != nil {
		return nil, err
	}
	schema, err := a.svc.records.Schema(ctx, x.WorkspaceID, o)
	if err != nil {
		return nil, err
	}
	p := crm.ListParams{WithTotal: true}
	if m, ok := x.Input["filter"].(map[string]any); ok && len(m) > 0 {
		if p.Filter, err = schema.ParseFilter(m); err != nil {
			return nil, err
		}
	}
	if v := x.Input["orderBy"]; v != nil {
		if p.OrderBy, err = parseOrderBy(schema, v); err != nil {
			return nil, Permanent(err)
		}
	}
	if p.First, err = findLimit(x.Input["limit"]); err != nil {
		return nil, Permanent(err)
	}
	pg, err := a.svc.records.List(ctx, x.WorkspaceID, schema, p)
	if err != nil {
		return nil, err
	}
	recs := make([]any, len(pg.Records))
	for i, r := range pg.Records {
		recs[i] = recordValue(schema, r)
	}
	return &Result{Output: map[string]any{"records": recs, "totalCount": pg.TotalCount}}, nil
}
