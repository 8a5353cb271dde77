package workflow

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// startParams describe a run to create.
type startParams struct {
	version *store.WorkflowVersion
	// name is the run's name; empty looks the workflow's name up.
	name    string
	payload map[string]any
	// eventKey identifies the triggering event; runs are unique per
	// (version, eventKey). Empty for manual runs, which never collide.
	eventKey string
	depth    int
	actor    crm.Actor
}

// startRun creates a run inside tx and enqueues its job in the same
// transaction. It returns the run's ID, or "" when a run for the same
// event and version already exists. A run deeper than MaxChainDepth is
// recorded as FAILED (loop protection) and not executed.
func (s *Service) startRun(ctx context.Context, tx *sql.Tx, p startParams) (string, error) {
	d, err := s.versionDefinition(p.version)
	if err != nil {
		return "", err
	}
	if p.name == "" {
		w, err := s.store.WorkflowGet(ctx, tx, p.version.WorkspaceID, p.version.WorkflowID)
		if err != nil {
			return "", err
		}
		p.name = w.Name
	}
	payload, err := normalizeJSON(p.payload)
	if err != nil {
		return "", crm.Invalid("payload", crm.CodeInvalidType, "not JSON: %v", err)
	}
	st := &State{Flow: Flow{Trigger: json.RawMessage(p.version.Trigger), Steps: json.RawMessage(p.version.Steps)},
		StepInfos: map[string]*StepInfo{TriggerStepID: {Status: StepSuccess, Result: payload}}}
	for _, step := range d.steps {
		st.StepInfos[step.ID] = &StepInfo{Status: StepNotStarted}
	}
	prog := &progress{}
	for i := len(d.roots) - 1; i >= 0; i-- {
		prog.Stack = append(prog.Stack, d.roots[i])
	}
	now := s.now()
	row := &store.WorkflowRun{
		ID: crm.NewID(), WorkspaceID: p.version.WorkspaceID, WorkflowID: p.version.WorkflowID, WorkflowVersionID: p.version.ID,
		Name: p.name, Status: RunEnqueued, EnqueuedAt: &now, Depth: p.depth, CreatedAt: now, UpdatedAt: now,
	}
	if p.eventKey != "" {
		row.EventKey = &p.eventKey
	}
	if p.depth > MaxChainDepth {
		msg := fmt.Sprintf("loop protection: this run would be level %d of a chain of workflow runs triggering each other (at most %d)", p.depth, MaxChainDepth)
		st.WorkflowRunError = &msg
		row.Status, row.EndedAt = RunFailed, &now
	}
	if row.State, err = json.Marshal(st); err != nil {
		return "", errorf("start run", err)
	}
	if row.Progress, err = json.Marshal(prog); err != nil {
		return "", errorf("start run", err)
	}
	if row.CreatedBy, err = json.Marshal(p.actor); err != nil {
		return "", errorf("start run", err)
	}
	created, err := s.store.WorkflowRunInsert(ctx, tx, row)
	if err != nil || !created {
		return "", err
	}
	s.metrics.started(row.Status)
	if row.Status == RunFailed {
		s.log.WarnContext(ctx, "workflow run refused by loop protection", "workspace_id", row.WorkspaceID, "workflow_id", row.WorkflowID, "run_id", row.ID, "depth", p.depth)
		return row.ID, nil
	}
	if err := s.queue.InsertTx(ctx, tx, RunArgs{WorkspaceID: row.WorkspaceID, RunID: row.ID}, nil); err != nil {
		return "", errorf("start run", err)
	}
	return row.ID, nil
}

// RunVersion starts a manual run of a version: the active one, or a draft
// as a test run. The version must pass validation. For a MANUAL trigger
// with an objectType, the payload's recordIds (or recordId) are loaded as
// {{trigger.objects}} and {{trigger.object}}; otherwise the payload is the
// trigger's output as given (a sample record for a test run of a record
// trigger, {"body": ...} for a webhook).
func (s *Service) RunVersion(ctx context.Context, workspaceID string, actor crm.Actor, versionID string, payload map[string]any) (string, error) {
	v, err := s.store.WorkflowVersionGet(ctx, nil, workspaceID, versionID)
	if err != nil {
		return "", err
	}
	if v.Status == VersionArchived {
		return "", crm.Invalid("workflowVersionId", crm.CodeInvalidValue, "version %q is archived", v.Name)
	}
	if _, err := s.Validate(ctx, workspaceID, v.Trigger, v.Steps); err != nil {
		return "", err
	}
	if payload == nil {
		payload = map[string]any{}
	}
	d, _ := s.versionDefinition(v)
	if d.trigger.Type == TriggerManual {
		if payload, err = s.manualPayload(ctx, workspaceID, d.trigger, payload); err != nil {
			return "", err
		}
	}
	var id string
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		id, err = s.startRun(ctx, tx, startParams{version: v, payload: payload, depth: actor.ChainDepth + 1, actor: actor})
		return err
	})
	return id, err
}

// manualPayload loads the records a manual run names.
func (s *Service) manualPayload(ctx context.Context, workspaceID string, t *Trigger, payload map[string]any) (map[string]any, error) {
	name, _ := settingString(t, "objectType")
	o, ok := crm.ObjectByName(name)
	if !ok {
		return payload, nil
	}
	var ids []string
	if id, ok := payload["recordId"].(string); ok && id != "" {
		ids = append(ids, id)
	}
	if list, ok := payload["recordIds"].([]any); ok {
		for i, x := range list {
			id, isStr := x.(string)
			if !isStr {
				return nil, crm.Invalid(fmt.Sprintf("payload.recordIds[%d]", i), crm.CodeInvalidType, "expected a record ID")
			}
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return payload, nil
	}
	if len(ids) > crm.MaxPageSize {
		return nil, crm.Invalid("payload.recordIds", crm.CodeInvalidValue, "at most %d records per run", crm.MaxPageSize)
	}
	schema, err := s.records.Schema(ctx, workspaceID, o)
	if err != nil {
		return nil, err
	}
	objects := make([]any, 0, len(ids))
	for _, id := range ids {
		r, err := s.records.Get(ctx, workspaceID, o, id)
		if err != nil {
			return nil, err
		}
		objects = append(objects, recordValue(schema, r))
	}
	out := make(map[string]any, len(payload)+2)
	for k, v := range payload {
		out[k] = v
	}
	idList := make([]any, len(ids))
	for i, id := range ids {
		idList[i] = id
	}
	out["object"], out["objects"], out["recordIds"] = objects[0], objects, idList
	return out, nil
}

// StopRun stops a run: at once when no worker is executing it (a queued
// or waiting run), otherwise at its next step (the run goes STOPPING, then
// STOPPED). A run that already ended is returned as it is.
func (s *Service) StopRun(ctx context.Context, workspaceID, id string) (*Run, error) {
	var out *store.WorkflowRun
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		row, err := s.store.WorkflowRunGet(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		out = row
		switch row.Status {
		case RunCompleted, RunFailed, RunStopped, RunStopping:
			return nil
		}
		stopping, err := s.store.WorkflowRunMarkStopping(ctx, tx, workspaceID, id, now)
		if err != nil {
			return err
		}
		if stopping {
			row.Status = RunStopping
			return nil
		}
		return s.finishStopped(ctx, tx, row, now)
	})
	if err != nil {
		return nil, err
	}
	return runOf(out)
}

// finishStopped ends a run as STOPPED: the steps that were running or
// waiting are marked STOPPED.
func (s *Service) finishStopped(ctx context.Context, tx *sql.Tx, row *store.WorkflowRun, now time.Time) error {
	var st State
	if err := json.Unmarshal(row.State, &st); err != nil {
		return errorf("stop run", err)
	}
	for id, info := range st.StepInfos {
		if id != TriggerStepID && (info.Status == StepRunning || info.Status == StepPending) {
			info.Status = StepStopped
		}
	}
	b, err := json.Marshal(&st)
	if err != nil {
		return errorf("stop run", err)
	}
	row.Status, row.EndedAt, row.State, row.LeaseUntil, row.WakeAt, row.UpdatedAt = RunStopped, &now, b, nil, nil, now
	s.metrics.ended(RunStopped)
	return s.store.WorkflowRunForceSave(ctx, tx, row)
}

// Run returns one run of the workspace.
func (s *Service) Run(ctx context.Context, workspaceID, id string) (*Run, error) {
	row, err := s.store.WorkflowRunGet(ctx, nil, workspaceID, id)
	if err != nil {
		return nil, err
	}
	return runOf(row)
}

// RunFilter narrows Runs.
type RunFilter struct {
	WorkflowID        string
	WorkflowVersionID string
	Status            string
}

// Runs returns a page of runs, newest first by default.
func (s *Service) Runs(ctx context.Context, workspaceID string, f RunFilter, p ListParams) (*Page[*Run], error) {
	if f.Status != "" && !oneOf(f.Status, RunStatuses...) {
		return nil, crm.Invalid("filter.status", crm.CodeInvalidEnum, "%q is not a run status (NOT_STARTED, ENQUEUED, RUNNING, COMPLETED, FAILED, STOPPING, STOPPED)", f.Status)
	}
	win, n, err := p.window()
	if err != nil {
		return nil, err
	}
	rows, total, err := s.store.WorkflowRunList(ctx, &store.WorkflowRunListParams{WorkspaceID: workspaceID, WorkflowID: f.WorkflowID,
		WorkflowVersionID: f.WorkflowVersionID, Status: f.Status, ListPage: win}, p.WithTotal)
	if err != nil {
		return nil, err
	}
	return paginate(rows, n, total, func(r *store.WorkflowRun) (time.Time, string) { return r.CreatedAt, r.ID }, runOf)
}

func runOf(row *store.WorkflowRun) (*Run, error) {
	r := &Run{ID: row.ID, WorkflowID: row.WorkflowID, WorkflowVersionID: row.WorkflowVersionID, Name: row.Name, Status: row.Status,
		EnqueuedAt: row.EnqueuedAt, StartedAt: row.StartedAt, EndedAt: row.EndedAt, CreatedAt: row.CreatedAt, State: &State{}}
	if err := json.Unmarshal(row.State, r.State); err != nil {
		return nil, errorf("read run state", err)
	}
	if len(row.CreatedBy) > 0 {
		_ = json.Unmarshal(row.CreatedBy, &r.CreatedBy)
	}
	return r, nil
}

// RunArgs is the job that works a run. Several jobs for one run are
// harmless: only the holder of the run's lease executes it.
type RunArgs struct {
	WorkspaceID string `json:"workspaceId"`
	RunID       string `json:"runId"`
}

// Kind implements river.JobArgs.
func (RunArgs) Kind() string { return "workflow_run" }

// InsertOpts gives a run job more attempts than River's default: an
// attempt that fails (the database was briefly unreachable) is retried with
// River's backoff, while step failures are the engine's own retries.
func (a RunArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 25}
}
