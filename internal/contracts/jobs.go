package contracts

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/jobs"
)

// sweepEvery is how often expiry and reminders are checked: an expired
// link is refused at once anyway (checked on use); the sweep only makes
// the status and the reminders happen without anyone opening a link.
const sweepEvery = 15 * time.Minute

// SweepArgs is the periodic expiry and reminder job.
type SweepArgs struct{}

// Kind implements river.JobArgs.
func (SweepArgs) Kind() string { return "contract_sweep" }

// InsertOpts make the job unique per interval, so replicas that each
// become leader do not sweep twice at once.
func (SweepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: sweepEvery}}
}

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	s *Service
}

// Work runs one sweep; it is idempotent (each contract is re-read under
// its lock), so an interrupted sweep is finished by the next.
func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	_, _, err := w.s.Sweep(ctx)
	return err
}

// Register adds the sweep to the job registry.
func Register(reg *jobs.Registry, s *Service) error {
	if err := jobs.Register(reg, &sweepWorker{s: s}); err != nil {
		return err
	}
	reg.AddPeriodic(river.PeriodicInterval(sweepEvery), func() (river.JobArgs, *river.InsertOpts) {
		return SweepArgs{}, nil
	}, &river.PeriodicJobOpts{ID: "contract_sweep", RunOnStart: true})
	return nil
}
