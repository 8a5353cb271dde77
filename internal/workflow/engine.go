package workflow

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// errLost means another worker saved the run first (or it is being
// stopped): this worker's step is rolled back and it lets go of the run.
var errLost = errors.New("workflow: run moved on elsewhere")

// work executes a run for one job: it claims the run's lease, then runs
// steps until the run ends, waits, or its time slice is up.
func (s *Service) work(ctx context.Context, workspaceID, runID string) error {
	now := s.now()
	var row *store.WorkflowRun
	var outcome string
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		row, outcome, err = s.store.WorkflowRunClaim(ctx, tx, &store.WorkflowRunClaimParams{
			WorkspaceID: workspaceID, ID: runID, Now: now, LeaseUntil: now.Add(s.cfg.Lease), MaxLeased: s.cfg.MaxConcurrentRuns})
		return err
	})
	if err != nil {
		return errorf("claim run", err)
	}
	switch outcome {
	case store.ClaimMissing:
		return nil
	case store.ClaimFinal:
		if row.Status == RunStopping && (row.LeaseUntil == nil || !row.LeaseUntil.After(now)) {
			// Asked to stop, and its worker is gone.
			return s.store.InTx(ctx, func(tx *sql.Tx) error { return s.finishStopped(ctx, tx, row, now) })
		}
		return nil
	case store.ClaimBusy:
		if row.WakeAt != nil && row.WakeAt.After(now) {
			return river.JobSnooze(row.WakeAt.Sub(now))
		}
		return nil // another worker has it
	case store.ClaimCapped:
		return river.JobSnooze(time.Second + rand.N(time.Second))
	}
	r, err := s.newRunner(row)
	if err != nil {
		return err
	}
	err = r.loop(ctx)
	if errors.Is(err, errLost) {
		return s.afterLost(ctx, workspaceID, runID)
	}
	return err
}

// afterLost finishes a run whose save failed because it is being stopped;
// a run another worker took is simply left to it.
func (s *Service) afterLost(ctx context.Context, workspaceID, runID string) error {
	return s.store.InTx(ctx, func(tx *sql.Tx) error {
		row, err := s.store.WorkflowRunGet(ctx, tx, workspaceID, runID)
		if errors.Is(err, crm.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if row.Status != RunStopping {
			return nil
		}
		return s.finishStopped(ctx, tx, row, s.now())
	})
}

// runner executes one claimed run.
type runner struct {
	s     *Service
	row   *store.WorkflowRun
	state *State
	prog  *progress
	def   *definition
	scope Scope
	actor crm.Actor
	// waiting is set once the run was saved to wait for a scheduled job.
	waiting bool
}

func (s *Service) newRunner(row *store.WorkflowRun) (*runner, error) {
	r := &runner{s: s, row: row, state: &State{}, prog: &progress{}, scope: Scope{}}
	if err := json.Unmarshal(row.State, r.state); err != nil {
		return nil, errorf("read run state", err)
	}
	if err := json.Unmarshal(row.Progress, r.prog); err != nil {
		return nil, errorf("read run progress", err)
	}
	if r.prog.Attempts == nil {
		r.prog.Attempts = map[string]int{}
	}
	if r.prog.Runs == nil {
		r.prog.Runs = map[string]int{}
	}
	def, err := parseDefinition(s.reg, r.state.Flow.Trigger, r.state.Flow.Steps)
	if err != nil {
		return nil, errorf("read run definition", err)
	}
	r.def = def
	for id, info := range r.state.StepInfos {
		if info.Status == StepSuccess || id == TriggerStepID {
			r.scope[id] = info.Result
		}
	}
	r.actor = crm.Actor{Source: crm.SourceWorkflow, Name: row.Name, ChainDepth: row.Depth}
	return r, nil
}

// loop runs steps until the run ends, waits or its slice is used up.
func (r *runner) loop(ctx context.Context) error {
	deadline := time.Now().Add(r.s.cfg.Slice)
	for {
		if len(r.prog.Stack) == 0 {
			return r.finish(ctx, RunCompleted, nil)
		}
		if time.Now().After(deadline) {
			// Hand the run to a fresh job, so no job outlives its timeout.
			now := r.s.now()
			return r.save(ctx, &now)
		}
		id := r.prog.Stack[len(r.prog.Stack)-1]
		step := r.def.byID[id]
		info := r.info(id)
		if info.Status == StepSuccess {
			r.pop()
			continue
		}
		if err := r.step(ctx, step, info); err != nil && !errors.Is(err, errWaiting) {
			return err
		}
		if r.row.Status == RunCompleted {
			r.s.metrics.ended(RunCompleted)
			return nil
		}
		if r.row.Status != RunRunning || r.waiting {
			return nil
		}
	}
}

// errWaiting means the run now waits (a delay, a retry back-off) and the
// job ends.
var errWaiting = errors.New("workflow: run waits")

func (r *runner) info(id string) *StepInfo {
	info, ok := r.state.StepInfos[id]
	if !ok {
		info = &StepInfo{Status: StepNotStarted}
		r.state.StepInfos[id] = info
	}
	return info
}

func (r *runner) pop() { r.prog.Stack = r.prog.Stack[:len(r.prog.Stack)-1] }

// push adds steps to run next, the first on top, skipping steps that
// already ran or are already waiting on the stack.
func (r *runner) push(ids []string) {
	onStack := map[string]bool{}
	for _, id := range r.prog.Stack {
		onStack[id] = true
	}
	for i := len(ids) - 1; i >= 0; i-- {
		id := ids[i]
		if onStack[id] || r.info(id).Status == StepSuccess {
			continue
		}
		r.prog.Stack = append(r.prog.Stack, id)
	}
}

// step executes one step and saves its outcome.
func (r *runner) step(ctx context.Context, step *Step, info *StepInfo) error {
	a, ok := r.s.reg.Get(step.Type)
	if !ok {
		return r.fail(ctx, step, Permanent(fmt.Errorf("unknown action type %q", step.Type)))
	}
	rendered, err := r.scope.Render(step.Settings.Input)
	if err != nil {
		return r.fail(ctx, step, Permanent(err))
	}
	input, _ := rendered.(map[string]any)
	if info.StartedAt == nil || info.Status == StepNotStarted {
		now := r.s.now()
		info.StartedAt, info.EndedAt = &now, nil
	}
	info.Input = shownInput(step, input)
	x := &Exec{
		WorkspaceID: r.row.WorkspaceID, WorkflowID: r.row.WorkflowID, RunID: r.row.ID, Step: step, Input: input, Actor: r.actor,
		IdempotencyKey: r.row.ID + ":" + step.ID, Now: r.s.now(),
	}
	if n := r.prog.Runs[step.ID]; n > 0 {
		x.IdempotencyKey += fmt.Sprintf(":%d", n)
	}
	if info.Status == StepPending || info.Status == StepRunning {
		x.Previous = info.Result
	}
	started := time.Now()
	if _, tx := a.(Transactional); tx {
		var res *Result
		var stepErr error
		err := r.s.store.InTx(ctx, func(tx *sql.Tx) error {
			x.Tx = tx
			res, stepErr = a.Execute(ctx, x)
			if stepErr != nil {
				return stepErr
			}
			return r.applyAndSave(ctx, tx, step, res)
		})
		r.s.metrics.stepDone(step.Type, time.Since(started), err == nil)
		if stepErr != nil {
			return r.fail(ctx, step, stepErr)
		}
		return err
	}
	res, err := a.Execute(ctx, x)
	r.s.metrics.stepDone(step.Type, time.Since(started), err == nil)
	if err != nil {
		return r.fail(ctx, step, err)
	}
	return r.s.store.InTx(ctx, func(tx *sql.Tx) error { return r.applyAndSave(ctx, tx, step, res) })
}

// applyAndSave records a step's result in the state, decides what runs
// next, and saves the run inside tx.
func (r *runner) applyAndSave(ctx context.Context, tx *sql.Tx, step *Step, res *Result) error {
	if res == nil {
		res = &Result{}
	}
	out, err := normalizeJSON(res.Output)
	if err != nil {
		return errorf("step output", err)
	}
	info := r.info(step.ID)
	delete(r.prog.Attempts, step.ID)
	now := r.s.now()
	if res.WaitUntil != nil && res.WaitUntil.After(now) {
		info.Status, info.Result, info.Error = StepPending, out, nil
		wake := *res.WaitUntil
		return r.saveTx(ctx, tx, &wake)
	}
	info.Result, info.Error = out, nil
	r.scope[step.ID] = out
	r.prog.Runs[step.ID]++
	r.pop()
	switch {
	case res.Loop:
		// The loop step stays RUNNING while its body runs once more.
		info.Status = StepRunning
		r.prog.Stack = append(r.prog.Stack, step.ID)
		var body []string
		if l, ok := mustAction(r.s.reg, step).(Looper); ok {
			body = l.LoopBody(step)
		}
		for id := range r.def.loops[step.ID] {
			r.state.StepInfos[id] = &StepInfo{Status: StepNotStarted}
			delete(r.scope, id)
		}
		r.push(body)
	case res.Branch:
		info.Status, info.EndedAt = StepSuccess, &now
		r.push(res.Next)
	default:
		info.Status, info.EndedAt = StepSuccess, &now
		r.push(r.follow(step))
	}
	if len(r.prog.Stack) == 0 {
		// The last step: the run completes in the same transaction.
		r.row.Status, r.row.EndedAt = RunCompleted, &now
		r.state.WorkflowRunError = nil
	}
	return r.saveTx(ctx, tx, nil)
}

func mustAction(reg *Registry, s *Step) Action {
	a, _ := reg.Get(s.Type)
	return a
}

// follow is where a step leads when its action does not choose: its
// nextStepIds (or the next step of a plain list), leaving out the edge a
// loop body makes back to its loop.
func (r *runner) follow(step *Step) []string {
	next := step.NextStepIDs
	if len(next) == 0 && !r.def.linked() {
		next = r.def.next[step.ID]
	}
	return r.def.successors(step.ID, next)
}

// fail handles a step error: retry after the next back-off, or mark the
// step FAILED and either continue (continueOnFailure) or fail the run.
func (r *runner) fail(ctx context.Context, step *Step, stepErr error) error {
	if errors.Is(stepErr, errLost) || ctx.Err() != nil {
		return stepErr
	}
	info := r.info(step.ID)
	msg := stepErr.Error()
	opts := step.Settings.ErrorHandlingOptions
	if opts == nil {
		opts = &ErrorHandling{}
	}
	attempt := r.prog.Attempts[step.ID]
	if !isPermanent(stepErr) && !opts.RetryOnFailure.off() && attempt < len(r.s.cfg.RetryDelays) {
		r.prog.Attempts[step.ID] = attempt + 1
		info.Status, info.Error = StepRunning, &msg
		wake := r.s.now().Add(r.s.cfg.RetryDelays[attempt])
		if err := r.save(ctx, &wake); err != nil {
			return err
		}
		return errWaiting
	}
	delete(r.prog.Attempts, step.ID)
	ended := r.s.now()
	info.Status, info.Error, info.EndedAt = StepFailed, &msg, &ended
	if opts.ContinueOnFailure.on() {
		r.pop()
		r.push(r.follow(step))
		return r.save(ctx, nil)
	}
	name := step.Name
	if name == "" {
		name = step.ID
	}
	runErr := fmt.Sprintf("step %q (%s) failed: %s", name, step.ID, msg)
	return r.finish(ctx, RunFailed, &runErr)
}

// finish ends the run.
func (r *runner) finish(ctx context.Context, status string, runErr *string) error {
	now := r.s.now()
	r.row.Status, r.row.EndedAt = status, &now
	r.state.WorkflowRunError = runErr
	r.prog.Stack = nil
	if err := r.save(ctx, nil); err != nil {
		return err
	}
	r.s.metrics.ended(status)
	return nil
}

// save writes the run in its own transaction. With wake set, the run
// waits: its lease is released and a job is scheduled for that time
// (wakeAt records it for the recovery job).
func (r *runner) save(ctx context.Context, wake *time.Time) error {
	return r.s.store.InTx(ctx, func(tx *sql.Tx) error { return r.saveTx(ctx, tx, wake) })
}

func (r *runner) saveTx(ctx context.Context, tx *sql.Tx, wake *time.Time) error {
	now := r.s.now()
	var err error
	if r.row.State, err = json.Marshal(r.state); err != nil {
		return errorf("save run", err)
	}
	if r.row.Progress, err = json.Marshal(r.prog); err != nil {
		return errorf("save run", err)
	}
	r.row.UpdatedAt = now
	r.row.WakeAt = nil
	lease := now.Add(r.s.cfg.Lease)
	r.row.LeaseUntil = &lease
	if r.row.Status != RunRunning || wake != nil {
		r.row.LeaseUntil = nil
	}
	if wake != nil && r.row.Status == RunRunning {
		r.row.WakeAt = wake
		r.waiting = true
	}
	ok, err := r.s.store.WorkflowRunSave(ctx, tx, r.row)
	if err != nil {
		return err
	}
	if !ok {
		return errLost
	}
	if r.row.WakeAt != nil {
		opts := &river.InsertOpts{ScheduledAt: *r.row.WakeAt}
		if err := r.s.queue.InsertTx(ctx, tx, RunArgs{WorkspaceID: r.row.WorkspaceID, RunID: r.row.ID}, opts); err != nil {
			return errorf("schedule run", err)
		}
	}
	return nil
}

// shownInput is the rendered input kept in a step's info for the run page,
// without HTTP header values (an Authorization header is a credential).
func shownInput(step *Step, input map[string]any) any {
	if h, ok := input["headers"].(map[string]any); ok && step.Type == "HTTP_REQUEST" {
		cp := make(map[string]any, len(input))
		for k, v := range input {
			cp[k] = v
		}
		names := make(map[string]any, len(h))
		for k := range h {
			names[k] = "(hidden)"
		}
		cp["headers"] = names
		input = cp
	}
	out, err := normalizeJSON(input)
	if err != nil {
		return nil
	}
	return out
}
