package workflow

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/roster-crm/roster/internal/crm"
)

// Trigger is a version's trigger: {"type": ..., "settings": {...}}.
// NextStepIDs, when given, are the steps the trigger leads to.
type Trigger struct {
	Name        string         `json:"name,omitempty"`
	Type        string         `json:"type"`
	Settings    map[string]any `json:"settings"`
	NextStepIDs []string       `json:"nextStepIds,omitempty"`
}

// Step is one step of a version, in Twenty's shape.
type Step struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Type        string       `json:"type"`
	Valid       bool         `json:"valid"`
	Settings    StepSettings `json:"settings"`
	NextStepIDs []string     `json:"nextStepIds"`
}

// StepSettings hold a step's input and options.
type StepSettings struct {
	Input                map[string]any `json:"input"`
	OutputSchema         any            `json:"outputSchema,omitempty"`
	ErrorHandlingOptions *ErrorHandling `json:"errorHandlingOptions,omitempty"`
}

// ErrorHandling is Twenty's errorHandlingOptions:
// {continueOnFailure: {value: true}, retryOnFailure: {value: true}}.
type ErrorHandling struct {
	ContinueOnFailure *Option `json:"continueOnFailure,omitempty"`
	RetryOnFailure    *Option `json:"retryOnFailure,omitempty"`
}

// Option is {value: ...}; Twenty writes booleans, and sometimes a number of
// retries for retryOnFailure.
type Option struct {
	Value any `json:"value"`
}

// on reports whether an option is set to true (or a positive number).
func (o *Option) on() bool {
	if o == nil {
		return false
	}
	switch v := o.Value.(type) {
	case bool:
		return v
	case float64:
		return v > 0
	}
	return false
}

// off reports whether an option is explicitly false (or zero).
func (o *Option) off() bool {
	if o == nil {
		return false
	}
	switch v := o.Value.(type) {
	case bool:
		return !v
	case float64:
		return v == 0
	}
	return false
}

// definition is a parsed trigger and steps with the step graph.
type definition struct {
	trigger *Trigger
	steps   []*Step
	byID    map[string]*Step
	// next lists each step's successors: nextStepIds, then the branches and
	// loop bodies its action declares.
	next  map[string][]string
	roots []string
	// loops maps a looping step to the set of steps in its body.
	loops map[string]map[string]bool
	// plain is true for a list without any links: each step leads to the
	// next one in array order.
	plain bool
}

func (d *definition) linked() bool { return !d.plain }

// parseDefinition reads a version's trigger and steps. Structural problems
// (bad JSON, a step without an ID, a duplicate ID, a next step that does not
// exist) are errors naming the field; reg supplies the branch and loop links
// of the step types it knows.
func parseDefinition(reg *Registry, trigger, steps []byte) (*definition, error) {
	d := &definition{byID: map[string]*Step{}, next: map[string][]string{}, loops: map[string]map[string]bool{}}
	if len(bytes.TrimSpace(trigger)) > 0 && !bytes.Equal(bytes.TrimSpace(trigger), []byte("null")) {
		if err := strictJSON(trigger, &d.trigger); err != nil {
			return nil, crm.Invalid("trigger", crm.CodeInvalidType, "not a trigger object: %v", err)
		}
	}
	if len(bytes.TrimSpace(steps)) > 0 {
		if err := strictJSON(steps, &d.steps); err != nil {
			return nil, crm.Invalid("steps", crm.CodeInvalidType, "not a list of steps: %v", err)
		}
	}
	for i, s := range d.steps {
		if s == nil || s.ID == "" {
			return nil, crm.Invalid(fmt.Sprintf("steps[%d].id", i), crm.CodeRequired, "every step needs an id")
		}
		if s.ID == TriggerStepID {
			return nil, crm.Invalid(fmt.Sprintf("steps[%d].id", i), crm.CodeInvalidValue, "%q is reserved for the trigger", TriggerStepID)
		}
		if _, dup := d.byID[s.ID]; dup {
			return nil, crm.Invalid(fmt.Sprintf("steps[%d].id", i), crm.CodeDuplicate, "two steps have the id %q", s.ID)
		}
		if s.Settings.Input == nil {
			s.Settings.Input = map[string]any{}
		}
		d.byID[s.ID] = s
	}
	linked := false
	for _, s := range d.steps {
		links := append([]string(nil), s.NextStepIDs...)
		if a, ok := reg.Get(s.Type); ok {
			if b, ok := a.(Brancher); ok {
				links = append(links, b.Branches(s)...)
			}
			if l, ok := a.(Looper); ok {
				links = append(links, l.LoopBody(s)...)
			}
		}
		for _, id := range links {
			if _, ok := d.byID[id]; !ok {
				return nil, stepErr(s, "nextStepIds", crm.CodeInvalidValue, "leads to step %q, which does not exist", id)
			}
		}
		if len(links) > 0 {
			linked = true
		}
		d.next[s.ID] = dedupe(links)
	}
	if d.trigger != nil && len(d.trigger.NextStepIDs) > 0 {
		for _, id := range d.trigger.NextStepIDs {
			if _, ok := d.byID[id]; !ok {
				return nil, crm.Invalid("trigger.nextStepIds", crm.CodeInvalidValue, "leads to step %q, which does not exist", id)
			}
		}
		d.roots = dedupe(d.trigger.NextStepIDs)
	} else if !linked {
		// A plain list: the steps run one after another in array order.
		d.plain = true
		for i, s := range d.steps {
			if i+1 < len(d.steps) {
				d.next[s.ID] = []string{d.steps[i+1].ID}
			}
		}
		if len(d.steps) > 0 {
			d.roots = []string{d.steps[0].ID}
		}
	} else {
		referenced := map[string]bool{}
		for _, links := range d.next {
			for _, id := range links {
				referenced[id] = true
			}
		}
		for _, s := range d.steps {
			if !referenced[s.ID] {
				d.roots = append(d.roots, s.ID)
			}
		}
	}
	for _, s := range d.steps {
		a, ok := reg.Get(s.Type)
		if !ok {
			continue
		}
		if l, ok := a.(Looper); ok {
			d.loops[s.ID] = d.reach(l.LoopBody(s), s.ID)
		}
	}
	return d, nil
}

// strictJSON decodes b into v, keeping numbers as float64 like every other
// JSON input of the API.
func strictJSON(b []byte, v any) error {
	return json.Unmarshal(b, v)
}

// reach is the set of steps reachable from roots without passing through
// stop (a loop's body, which ends where it leads back to its loop).
func (d *definition) reach(roots []string, stop string) map[string]bool {
	seen := map[string]bool{}
	var walk func(id string)
	walk = func(id string) {
		if id == stop || seen[id] {
			return
		}
		seen[id] = true
		for _, n := range d.next[id] {
			walk(n)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	return seen
}

// successors are the steps that follow id once it ran, leaving out the
// edges a loop body makes back to its own loop step (the loop step itself
// decides when the loop ends).
func (d *definition) successors(id string, of []string) []string {
	var out []string
	for _, n := range of {
		if body, isLoop := d.loops[n]; isLoop && body[id] {
			continue
		}
		out = append(out, n)
	}
	return out
}

// cycle returns a step that lies on a cycle of nextStepIds, or "". An edge
// from inside a loop body back to its loop step is the loop, not a cycle.
func (d *definition) cycle() string {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var found string
	var visit func(id string) bool
	visit = func(id string) bool {
		color[id] = grey
		for _, n := range d.successors(id, d.next[id]) {
			switch color[n] {
			case grey:
				found = n
				return true
			case white:
				if visit(n) {
					return true
				}
			}
		}
		color[id] = black
		return false
	}
	for _, s := range d.steps {
		if color[s.ID] == white && visit(s.ID) {
			return found
		}
	}
	return ""
}

// ancestors maps each step to the steps it can be reached from: the steps
// whose outputs its variables may use (as in Twenty's variable picker). A
// step on another branch is not among them.
func (d *definition) ancestors() map[string]map[string]bool {
	out := make(map[string]map[string]bool, len(d.steps))
	for _, s := range d.steps {
		out[s.ID] = map[string]bool{}
	}
	for _, s := range d.steps {
		for id := range d.reach(d.successors(s.ID, d.next[s.ID]), s.ID) {
			out[id][s.ID] = true
		}
	}
	return out
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// stepErr is a validation error about one field of a step's settings,
// naming the step so the builder can point at it.
func stepErr(s *Step, field, code, format string, args ...any) *crm.Error {
	path := "steps." + s.ID
	if field != "" {
		path += "." + field
	}
	name := s.Name
	if name == "" {
		name = s.Type
	}
	return crm.Invalid(path, code, "step %q (%s): %s", name, s.ID, fmt.Sprintf(format, args...))
}
