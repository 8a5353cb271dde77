package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// depthLimit rejects operations nested deeper than max fields, counting
// through fragments. gqlgen's complexity limit bounds the total number of
// fields; this bounds relation walks (person.company.people.edges.node...).
// Introspection fields are not counted: the standard introspection query is
// deep by nature and cheap.
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if n := depth(oc.Operation.SelectionSet, map[string]bool{}); n > d.max {
		err := gqlerror.Errorf("operation is nested %d levels deep; the limit is %d", n, d.max)
		err.Extensions = map[string]any{"code": "DEPTH_LIMIT_EXCEEDED"}
		return err
	}
	return nil
}

func depth(set ast.SelectionSet, visiting map[string]bool) int {
	most := 0
	for _, sel := range set {
		n := 0
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			n = 1 + depth(s.SelectionSet, visiting)
		case *ast.InlineFragment:
			n = depth(s.SelectionSet, visiting)
		case *ast.FragmentSpread:
			if s.Definition == nil || visiting[s.Name] {
				continue
			}
			visiting[s.Name] = true
			n = depth(s.Definition.SelectionSet, visiting)
			delete(visiting, s.Name)
		}
		most = max(most, n)
	}
	return most
}
