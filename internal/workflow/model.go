package workflow

import (
	"encoding/json"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// Version statuses, as Twenty names them.
const (
	VersionDraft       = "DRAFT"
	VersionActive      = "ACTIVE"
	VersionDeactivated = "DEACTIVATED"
	VersionArchived    = "ARCHIVED"
)

// Run statuses, as Twenty names them.
const (
	RunNotStarted = "NOT_STARTED"
	RunEnqueued   = "ENQUEUED"
	RunRunning    = "RUNNING"
	RunCompleted  = "COMPLETED"
	RunFailed     = "FAILED"
	RunStopping   = "STOPPING"
	RunStopped    = "STOPPED"
)

// RunStatuses lists every run status, for validation and metrics.
var RunStatuses = []string{RunNotStarted, RunEnqueued, RunRunning, RunCompleted, RunFailed, RunStopping, RunStopped}

// Step statuses inside a run's state.
const (
	StepNotStarted = "NOT_STARTED"
	StepRunning    = "RUNNING"
	StepSuccess    = "SUCCESS"
	StepStopped    = "STOPPED"
	StepFailed     = "FAILED"
	StepPending    = "PENDING"
)

// TriggerStepID is the key of the trigger in a run's stepInfos and the root
// of {{trigger.*}} variables.
const TriggerStepID = "trigger"

// Workflow is an automation: a name and its versions.
type Workflow struct {
	ID                     string    `json:"id"`
	Name                   string    `json:"name"`
	Description            string    `json:"description"`
	Statuses               []string  `json:"statuses"`
	LastPublishedVersionID *string   `json:"lastPublishedVersionId"`
	CreatedAt              time.Time `json:"createdAt"`
	UpdatedAt              time.Time `json:"updatedAt"`
}

// Version is one version of a workflow. Trigger is the trigger JSON (null
// until set) and Steps the JSON array of steps, both as the client wrote
// them, so Twenty's fields Roster does not use (positions) survive.
type Version struct {
	ID         string          `json:"id"`
	WorkflowID string          `json:"workflowId"`
	Name       string          `json:"name"`
	Status     string          `json:"status"`
	Trigger    json.RawMessage `json:"trigger"`
	Steps      json.RawMessage `json:"steps"`
	CreatedAt  time.Time       `json:"createdAt"`
	UpdatedAt  time.Time       `json:"updatedAt"`
}

// Run is one execution of a version.
type Run struct {
	ID                string     `json:"id"`
	WorkflowID        string     `json:"workflowId"`
	WorkflowVersionID string     `json:"workflowVersionId"`
	Name              string     `json:"name"`
	Status            string     `json:"status"`
	EnqueuedAt        *time.Time `json:"enqueuedAt"`
	StartedAt         *time.Time `json:"startedAt"`
	EndedAt           *time.Time `json:"endedAt"`
	CreatedBy         crm.Actor  `json:"createdBy"`
	State             *State     `json:"state"`
	CreatedAt         time.Time  `json:"createdAt"`
}

// State is a run's state in Twenty's shape: the definition it runs (copied
// at start, so editing the workflow never changes a running run), what each
// step did, and the run's error.
type State struct {
	Flow             Flow                 `json:"flow"`
	StepInfos        map[string]*StepInfo `json:"stepInfos"`
	WorkflowRunError *string              `json:"workflowRunError"`
}

// Flow is the trigger and steps a run executes.
type Flow struct {
	Trigger json.RawMessage `json:"trigger"`
	Steps   json.RawMessage `json:"steps"`
}

// StepInfo is what one step (or the trigger) did: its status, its output
// and its error.
type StepInfo struct {
	Status string  `json:"status"`
	Result any     `json:"result"`
	Error  *string `json:"error"`
	// Input is the step's input as it last ran, variables rendered (HTTP
	// header values left out: they often carry credentials), and StartedAt
	// and EndedAt time it (from its first attempt to its outcome); Roster
	// adds them to Twenty's shape so a run page shows what a step did.
	Input     any        `json:"input,omitempty"`
	StartedAt *time.Time `json:"startedAt,omitempty"`
	EndedAt   *time.Time `json:"endedAt,omitempty"`
}

// progress is the engine's bookkeeping of a run, kept apart from State so
// the state stays Twenty's shape: the steps still to execute (a stack, top
// last), the attempts of the step being retried, and how many times each
// step completed (a loop body runs once per item; the count makes each
// execution's idempotency key distinct).
type progress struct {
	Stack    []string       `json:"stack"`
	Attempts map[string]int `json:"attempts,omitempty"`
	Runs     map[string]int `json:"runs,omitempty"`
}
