package workflow

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// Action is one step type. Implementations live one per file and register
// in a Registry; the engine calls them through this interface only.
type Action interface {
	// Type is the step type it implements ("CREATE_RECORD").
	Type() string
	// Validate checks a step's input when its version is activated. The
	// variables in the input were already checked against c.Scope; Validate
	// checks the rest (required fields, known objects and fields) and
	// returns c.Errorf errors that name the field.
	Validate(ctx context.Context, c *Check) error
	// OutputSchema declares what {{<stepId>.*}} offers to later steps.
	OutputSchema(ctx context.Context, c *Check) (*Schema, error)
	// Execute runs the step with its input rendered.
	Execute(ctx context.Context, x *Exec) (*Result, error)
}

// Transactional is implemented by actions whose effects are database
// writes: the engine runs them inside the transaction that saves the step's
// outcome (Exec.Tx), so a step is applied exactly once even if the process
// dies at any moment.
type Transactional interface {
	Transactional() bool
}

// Brancher is implemented by actions whose step leads to steps beyond its
// nextStepIds (IF_ELSE's branches), so validation sees the whole graph.
type Brancher interface {
	Branches(s *Step) []string
}

// Looper is implemented by actions that repeat a body of steps (ITERATOR):
// LoopBody returns the first steps of the body.
type Looper interface {
	LoopBody(s *Step) []string
}

// Check is what Validate and OutputSchema see: the step, the variables the
// trigger and earlier steps make available, and schema lookups.
type Check struct {
	WorkspaceID string
	Step        *Step
	// Scope maps "trigger" and each earlier step's ID to its output schema.
	Scope map[string]*Schema
	svc   *Service
}

// Input returns one input field as written (variables not rendered).
func (c *Check) Input(name string) (any, bool) {
	v, ok := c.Step.Settings.Input[name]
	return v, ok && v != nil
}

// Text returns a string input field; required fields must be present and
// non-empty.
func (c *Check) Text(name string, required bool) (string, error) {
	v, ok := c.Input(name)
	if !ok {
		if required {
			return "", c.Errorf(name, crm.CodeRequired, "is required")
		}
		return "", nil
	}
	s, isStr := v.(string)
	if !isStr {
		return "", c.Errorf(name, crm.CodeInvalidType, "expected a string")
	}
	if required && s == "" {
		return "", c.Errorf(name, crm.CodeRequired, "is required")
	}
	return s, nil
}

// Errorf is a validation error about an input field of the step.
func (c *Check) Errorf(field, code, format string, args ...any) error {
	return stepErr(c.Step, "settings.input."+field, code, format, args...)
}

// ObjectSchema returns the record schema (custom fields included) of a
// standard object, or an error naming field.
func (c *Check) ObjectSchema(ctx context.Context, field, name string) (*crm.Schema, error) {
	o, ok := crm.ObjectByName(name)
	if !ok {
		return nil, c.Errorf(field, crm.CodeInvalidEnum, "unknown object %q (person, company, opportunity, note or task)", name)
	}
	return c.svc.records.Schema(ctx, c.WorkspaceID, o)
}

// Exec is what Execute sees.
type Exec struct {
	WorkspaceID string
	WorkflowID  string
	RunID       string
	Step        *Step
	// Input is the step's input with every variable rendered.
	Input map[string]any
	// Actor is who the step's writes are attributed to: source WORKFLOW,
	// carrying the run's chain depth for loop protection.
	Actor crm.Actor
	// IdempotencyKey is unique per run, step and execution of the step
	// ("<runId>:<stepId>", with ":<n>" for the n-th pass of a loop body).
	IdempotencyKey string
	// Tx is the transaction that will save the step's outcome; set only for
	// Transactional actions.
	Tx *sql.Tx
	// Previous is the output this step produced the last time it ran in
	// this run (a DELAY waking up, an ITERATOR's next item), or nil.
	Previous any
	Now      time.Time
}

// Result is what a step did and where the run goes next.
type Result struct {
	// Output is available to later steps as {{<stepId>.*}}.
	Output any
	// Branch, when true, replaces the step's nextStepIds with Next: the
	// branch IF_ELSE chose, or none when FILTER stops the branch.
	Branch bool
	Next   []string
	// WaitUntil, when set, leaves the step PENDING: the run sleeps (as a
	// scheduled job) and calls Execute again then, with Previous set.
	WaitUntil *time.Time
	// Loop asks for the step's loop body (Looper) to run once more before
	// this step is executed again.
	Loop bool
}

// errPermanent marks an error that a retry cannot fix.
var errPermanent = errors.New("permanent failure")

// Permanent marks err as one that retrying would not fix (bad input the
// records service refuses, a destination the SSRF guard blocks): the step
// fails at once instead of after the retries.
func Permanent(err error) error { return fmt.Errorf("%w: %w", errPermanent, err) }

// isPermanent reports whether retrying err is pointless.
func isPermanent(err error) bool {
	return errors.Is(err, errPermanent) || errors.Is(err, crm.ErrInvalid) || errors.Is(err, crm.ErrNotFound) || errors.Is(err, crm.ErrConflict)
}

// Registry holds the step types a Service knows. The composition root adds
// the step types of other packages (AI, contracts) to Service.Registry()
// before the job queue starts; it is not safe to change while runs execute.
type Registry struct {
	actions map[string]Action
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{actions: map[string]Action{}} }

// Register adds an action; a second action for one type is an error.
func (r *Registry) Register(a Action) error {
	if _, dup := r.actions[a.Type()]; dup {
		return fmt.Errorf("workflow: action %s registered twice", a.Type())
	}
	r.actions[a.Type()] = a
	return nil
}

// Get returns the action of a step type.
func (r *Registry) Get(t string) (Action, bool) {
	a, ok := r.actions[t]
	return a, ok
}

// Types lists the registered step types, sorted.
func (r *Registry) Types() []string {
	out := make([]string, 0, len(r.actions))
	for t := range r.actions {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
