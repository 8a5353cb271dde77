package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// What a field costs against MaxCost. A plain field reads a value already
// loaded and costs 1; a root field or a connection runs at least one
// query; totalCount runs a COUNT over everything the filter matches, so
// aliasing it a thousand times must not be a thousand free table scans.
const (
	costField      = 1
	costQuery      = 10
	costTotalCount = 100
)

// CodeCostExceeded is extensions.code of an operation over the budget.
const CodeCostExceeded = "COMPLEXITY_LIMIT_EXCEEDED"

// costLimit refuses a validated operation whose cost exceeds max. It runs
// after documentLimit has bounded the expanded size, so walking every
// spread here is cheap.
type costLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = costLimit{}

func (costLimit) ExtensionName() string                   { return "CostLimit" }
func (costLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (c costLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if n := cost(oc.Operation.SelectionSet, true); n > c.max {
		err := gqlerror.Errorf("operation costs %d, over the limit of %d per request (a root field or connection costs %d, totalCount %d, any other field %d)",
			n, c.max, costQuery, costTotalCount, costField)
		err.Extensions = map[string]any{"code": CodeCostExceeded, "cost": n, "limit": c.max}
		return err
	}
	return nil
}

// cost sums the cost of a selection set with fragments expanded. It cannot
// overflow: documentLimit caps the expansion at MaxCost fields, each
// costing at most costTotalCount.
func cost(set ast.SelectionSet, root bool) int {
	total := 0
	for _, sel := range set {
		var n int
		switch x := sel.(type) {
		case *ast.Field:
			n = fieldCost(x, root)
		case *ast.InlineFragment:
			n = cost(x.SelectionSet, root)
		case *ast.FragmentSpread:
			if x.Definition != nil {
				n = cost(x.Definition.SelectionSet, root)
			}
		}
		total += n
	}
	return total
}

func fieldCost(f *ast.Field, root bool) int {
	connection := func(name string) bool { return strings.HasSuffix(name, "Connection") }
	switch {
	case f.Name == "totalCount" && f.ObjectDefinition != nil && connection(f.ObjectDefinition.Name):
		return costTotalCount
	case root, f.Definition != nil && connection(f.Definition.Type.Name()):
		return costQuery + cost(f.SelectionSet, false)
	default:
		return costField + cost(f.SelectionSet, false)
	}
}
