package workflow

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// ActivateVersion validates a version and makes it the workflow's ACTIVE
// version, archiving the one that was active. A version that does not pass
// is refused with an error naming the step (or the trigger) and the field,
// and nothing changes.
func (s *Service) ActivateVersion(ctx context.Context, workspaceID, id string) (bool, error) {
	v, err := s.store.WorkflowVersionGet(ctx, nil, workspaceID, id)
	if err != nil {
		return false, err
	}
	switch v.Status {
	case VersionActive:
		return false, crm.Invalid("workflowVersionId", crm.CodeInvalidValue, "version %q is already active", v.Name)
	case VersionArchived:
		return false, crm.Invalid("workflowVersionId", crm.CodeInvalidValue, "version %q is archived: create a draft from it and activate that", v.Name)
	}
	if _, err := s.Validate(ctx, workspaceID, v.Trigger, v.Steps); err != nil {
		return false, err
	}
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.store.WorkflowVersionGet(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		if cur.Status != v.Status || string(cur.Steps) != string(v.Steps) || string(cur.Trigger) != string(v.Trigger) {
			return &crm.Error{Cause: crm.ErrConflict, Code: crm.CodeDuplicate, Field: "workflowVersionId", Message: "the version changed while it was being activated; try again"}
		}
		now := s.now()
		prev, err := s.store.WorkflowVersionActiveOf(ctx, tx, workspaceID, v.WorkflowID)
		switch {
		case err == nil:
			prev.Status, prev.UpdatedAt = VersionArchived, now
			if err := s.store.WorkflowVersionUpdate(ctx, tx, prev); err != nil {
				return err
			}
		case !errors.Is(err, crm.ErrNotFound):
			return err
		}
		cur.Status, cur.UpdatedAt = VersionActive, now
		if err := s.store.WorkflowVersionUpdate(ctx, tx, cur); err != nil {
			return err
		}
		w, err := s.store.WorkflowGet(ctx, tx, workspaceID, v.WorkflowID)
		if err != nil {
			return err
		}
		w.LastPublishedVersionID, w.UpdatedAt = &cur.ID, now
		return s.store.WorkflowUpdate(ctx, tx, w)
	})
	if err != nil {
		return false, err
	}
	return true, nil
}

// Validation is what Validate learned about a valid definition: the output
// schema of the trigger and of each step, which the builder's variable
// picker shows.
type Validation struct {
	Trigger *Schema            `json:"trigger"`
	Steps   map[string]*Schema `json:"steps"`
}

// Validate checks a trigger and steps as activation does: the trigger type
// and its settings, every step's type and input, every variable (it must
// name the trigger or a step that runs before, and a path that exists), and
// that nextStepIds form no cycle. The first problem is returned as a
// crm.ErrInvalid whose field is "trigger.settings.<name>" or
// "steps.<stepId>.<field>" and whose message names the step.
func (s *Service) Validate(ctx context.Context, workspaceID string, trigger, steps []byte) (*Validation, error) {
	d, err := parseDefinition(s.reg, trigger, steps)
	if err != nil {
		return nil, err
	}
	if d.trigger == nil {
		return nil, crm.Invalid("trigger", crm.CodeRequired, "the version has no trigger")
	}
	kind, ok := triggerKinds[d.trigger.Type]
	if !ok {
		return nil, crm.Invalid("trigger.type", crm.CodeInvalidEnum, "trigger: unknown trigger type %q (known: %s)", d.trigger.Type, triggerTypes())
	}
	if d.trigger.Settings == nil {
		d.trigger.Settings = map[string]any{}
	}
	if err := kind.check(ctx, s, workspaceID, d.trigger); err != nil {
		return nil, err
	}
	ts, err := kind.schema(ctx, s, workspaceID, d.trigger)
	if err != nil {
		return nil, err
	}
	if len(d.steps) == 0 {
		return nil, crm.Invalid("steps", crm.CodeRequired, "the version has no steps")
	}
	for _, st := range d.steps {
		if _, ok := s.reg.Get(st.Type); !ok {
			return nil, stepErr(st, "type", crm.CodeInvalidEnum, "unknown action type %q (known: %s)", st.Type, strings.Join(s.reg.Types(), ", "))
		}
	}
	if id := d.cycle(); id != "" {
		return nil, stepErr(d.byID[id], "nextStepIds", crm.CodeInvalidValue, "the steps form a cycle through this step")
	}
	out := &Validation{Trigger: ts, Steps: map[string]*Schema{}}
	anc := d.ancestors()
	for _, st := range d.order() {
		scope := map[string]*Schema{TriggerStepID: ts}
		for a := range anc[st.ID] {
			scope[a] = out.Steps[a]
		}
		c := &Check{WorkspaceID: workspaceID, Step: st, Scope: scope, svc: s}
		if err := checkVariables(d, c); err != nil {
			return nil, err
		}
		a, _ := s.reg.Get(st.Type)
		if err := a.Validate(ctx, c); err != nil {
			return nil, err
		}
		sch, err := a.OutputSchema(ctx, c)
		if err != nil {
			return nil, err
		}
		out.Steps[st.ID] = sch
	}
	return out, nil
}

// order lists the steps so that every step comes after the steps it can be
// reached from (a topological order of the graph without loop back edges).
func (d *definition) order() []*Step {
	indeg := map[string]int{}
	for _, st := range d.steps {
		for _, n := range d.successors(st.ID, d.next[st.ID]) {
			indeg[n]++
		}
	}
	var queue, out []*Step
	for _, st := range d.steps {
		if indeg[st.ID] == 0 {
			queue = append(queue, st)
		}
	}
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		out = append(out, st)
		for _, n := range d.successors(st.ID, d.next[st.ID]) {
			if indeg[n]--; indeg[n] == 0 {
				queue = append(queue, d.byID[n])
			}
		}
	}
	return out
}

// checkVariables checks every variable in a step's input: its root must be
// the trigger or a step that runs before this one, and its path must exist
// in that output's schema.
func checkVariables(d *definition, c *Check) error {
	refs, err := references(c.Step.Settings.Input, "")
	if err != nil {
		var re *refError
		if errors.As(err, &re) {
			return c.Errorf(re.field, crm.CodeInvalidValue, "%v", re.err)
		}
		return err
	}
	for _, r := range refs {
		sch, ok := c.Scope[r.Ref.Root]
		if !ok {
			if _, isStep := d.byID[r.Ref.Root]; isStep {
				return c.Errorf(r.Field, crm.CodeInvalidValue, "unknown variable {{%s}}: step %q does not run before this step", r.Ref, r.Ref.Root)
			}
			return c.Errorf(r.Field, crm.CodeInvalidValue, "unknown variable {{%s}}: %q is neither the trigger nor a step", r.Ref, r.Ref.Root)
		}
		if bad := sch.lookup(r.Ref.Path); bad != "" {
			msg := "unknown variable {{%s}}: no %q there"
			if known := parentKnown(sch, r.Ref.Path, bad); known != "" {
				return c.Errorf(r.Field, crm.CodeInvalidValue, msg+" (known: %s)", r.Ref, bad, known)
			}
			return c.Errorf(r.Field, crm.CodeInvalidValue, msg, r.Ref, bad)
		}
	}
	return nil
}

// parentKnown lists the fields next to the first unknown segment of a path.
func parentKnown(sch *Schema, path []string, bad string) string {
	cur := sch
	for _, seg := range path {
		if seg == bad {
			return cur.knownFields()
		}
		if cur == nil || cur.Fields == nil {
			return ""
		}
		cur = cur.Fields[seg]
	}
	return ""
}

// versionDefinition parses a stored version for running it.
func (s *Service) versionDefinition(v *store.WorkflowVersion) (*definition, error) {
	return parseDefinition(s.reg, v.Trigger, v.Steps)
}
