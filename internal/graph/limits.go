package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Limits on what one request may ask for (documented in docs/api.md).
const (
	// MaxCost is the per-request cost budget (see cost.go). A document
	// that expands to more fields than this cannot fit the budget, since
	// every field costs at least 1, so the same number caps the expansion
	// checked before validation.
	MaxCost = 5000
	// MaxDepth stops deeply nested relation walks; introspection fields
	// are exempt.
	MaxDepth = 12
	// MaxBodyBytes bounds a request body (a createPeople batch included);
	// it matches the server-wide limit, so both answer 413 the same way.
	MaxBodyBytes = 1 << 20
)

// CodeQueryTooLarge is extensions.code of a document refused before
// validation because its fragments expand beyond MaxCost fields.
const CodeQueryTooLarge = "QUERY_TOO_LARGE"

// documentLimit refuses, before gqlgen validates anything, documents that
// are small as text but huge once fragment spreads are expanded, and
// documents nested deeper than max. Validation (overlapping fields), the
// cost walk and execution all expand every spread again, so a 1 KB document
// of 30 fragments each spreading the previous one twice would otherwise
// keep a core busy for minutes. Here each fragment is measured once
// (memoised), so the check is linear in the document's size.
type documentLimit struct {
	maxFields, maxDepth int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = documentLimit{}

func (documentLimit) ExtensionName() string                   { return "DocumentLimit" }
func (documentLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (d documentLimit) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	doc, err := parser.ParseQuery(&ast.Source{Input: p.Query})
	if err != nil {
		return nil // gqlgen reports the syntax error in its own words
	}
	m := measure{frags: map[string]*ast.FragmentDefinition{}, done: map[string]shape{}, visiting: map[string]bool{}, cap: d.maxFields + 1}
	for _, f := range doc.Fragments {
		m.frags[f.Name] = f
	}
	var most shape
	for _, op := range doc.Operations {
		s := m.set(op.SelectionSet)
		most = shape{fields: max(most.fields, s.fields), depth: max(most.depth, s.depth)}
	}
	// Unused fragments are refused by validation, which still walks them.
	for _, f := range doc.Fragments {
		most.fields = max(most.fields, m.fragment(f.Name).fields)
	}
	if most.fields > d.maxFields {
		err := gqlerror.Errorf("query expands to more than %d fields once its fragment spreads are counted each time they are used; the limit is %d", d.maxFields, d.maxFields)
		err.Extensions = map[string]any{"code": CodeQueryTooLarge, "limit": d.maxFields}
		return err
	}
	if most.depth > d.maxDepth {
		err := gqlerror.Errorf("operation is nested %d levels deep; the limit is %d", most.depth, d.maxDepth)
		err.Extensions = map[string]any{"code": "DEPTH_LIMIT_EXCEEDED", "limit": d.maxDepth}
		return err
	}
	return nil
}

// shape is the size of a selection set with every spread expanded: the
// number of fields and the nesting depth (introspection not counted).
type shape struct{ fields, depth int }

// measure computes shapes, each fragment once. Field counts saturate at
// cap so that no document can overflow them.
type measure struct {
	frags    map[string]*ast.FragmentDefinition
	done     map[string]shape
	visiting map[string]bool
	cap      int
}

func (m *measure) set(set ast.SelectionSet) shape {
	var out shape
	for _, sel := range set {
		var s shape
		switch x := sel.(type) {
		case *ast.Field:
			child := m.set(x.SelectionSet)
			s = shape{fields: 1 + child.fields, depth: 1 + child.depth}
			if strings.HasPrefix(x.Name, "__") {
				s.depth = 0 // the introspection query is deep by nature and cheap
			}
		case *ast.InlineFragment:
			s = m.set(x.SelectionSet)
		case *ast.FragmentSpread:
			s = m.fragment(x.Name)
		}
		out = shape{fields: min(out.fields+s.fields, m.cap), depth: max(out.depth, s.depth)}
	}
	return out
}

// fragment is the shape of a named fragment; unknown and cyclic spreads
// measure zero and are left for validation to refuse.
func (m *measure) fragment(name string) shape {
	if s, ok := m.done[name]; ok {
		return s
	}
	f := m.frags[name]
	if f == nil || m.visiting[name] {
		return shape{}
	}
	m.visiting[name] = true
	s := m.set(f.SelectionSet)
	delete(m.visiting, name)
	m.done[name] = s
	return s
}
