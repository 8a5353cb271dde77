package workflow

import (
	"context"
	"sort"
)

// Variable is one {{...}} a step may use.
type Variable struct {
	// Path is the variable without braces: "trigger.object.name.firstName".
	Path string `json:"path"`
	// Type is the schema type (string, number, boolean, array, object, any).
	Type string `json:"type"`
	// Open is set for an object whose inner paths are not known before the
	// run (a webhook body, an HTTP response): any path below it works.
	Open bool `json:"open,omitempty"`
}

// VariableSource is the variables one earlier step (or the trigger) offers.
type VariableSource struct {
	// ID is "trigger" or the step's ID.
	ID string `json:"id"`
	// Name is the step's name (the trigger's type for the trigger).
	Name      string     `json:"name"`
	Variables []Variable `json:"variables"`
}

// Variables lists, for each step of a definition, the variables it may use:
// the trigger's output and the outputs of the steps that run before it, in
// the order of the steps. It is what the builder's variable picker shows,
// from the same schemas activation checks variables against, and it works
// on a half-built draft: a trigger or step whose settings are not complete
// yet simply offers nothing. Only a definition whose JSON cannot be read is
// an error.
func (s *Service) Variables(ctx context.Context, workspaceID string, trigger, steps []byte) (map[string][]VariableSource, error) {
	d, err := parseDefinition(s.reg, trigger, steps)
	if err != nil {
		return nil, err
	}
	var ts *Schema
	trigName := "Trigger"
	if d.trigger != nil {
		if d.trigger.Settings == nil {
			d.trigger.Settings = map[string]any{}
		}
		if kind, ok := triggerKinds[d.trigger.Type]; ok && kind.check(ctx, s, workspaceID, d.trigger) == nil {
			ts, _ = kind.schema(ctx, s, workspaceID, d.trigger)
		}
	}
	schemas := map[string]*Schema{}
	anc := d.ancestors()
	out := make(map[string][]VariableSource, len(d.steps))
	for _, st := range d.order() {
		scope := map[string]*Schema{}
		var sources []VariableSource
		if ts != nil {
			scope[TriggerStepID] = ts
			sources = append(sources, VariableSource{ID: TriggerStepID, Name: trigName, Variables: ts.variables(TriggerStepID)})
		}
		for _, prev := range d.steps {
			if !anc[st.ID][prev.ID] || schemas[prev.ID] == nil {
				continue
			}
			scope[prev.ID] = schemas[prev.ID]
			name := prev.Name
			if name == "" {
				name = prev.Type
			}
			sources = append(sources, VariableSource{ID: prev.ID, Name: name, Variables: schemas[prev.ID].variables(prev.ID)})
		}
		out[st.ID] = sources
		if a, ok := s.reg.Get(st.Type); ok {
			c := &Check{WorkspaceID: workspaceID, Step: st, Scope: scope, svc: s}
			if sch, err := a.OutputSchema(ctx, c); err == nil {
				schemas[st.ID] = sch
			}
		}
	}
	return out, nil
}

// variables flattens a schema into the picker's list: leaves, lists and
// open objects, sorted by path.
func (sc *Schema) variables(prefix string) []Variable {
	var out []Variable
	var walk func(p string, s *Schema)
	walk = func(p string, s *Schema) {
		switch {
		case s == nil:
			out = append(out, Variable{Path: p, Type: TypeAny})
		case s.Type == TypeObject && !s.Open && len(s.Fields) > 0:
			for k, f := range s.Fields {
				walk(p+"."+k, f)
			}
		default:
			out = append(out, Variable{Path: p, Type: s.Type, Open: s.Open})
		}
	}
	walk(prefix, sc)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
