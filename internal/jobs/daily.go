package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// day is the period of AddDaily's jobs.
const day = 24 * time.Hour

// AddDaily registers work as a job of args' kind that River's leader
// inserts once a day and at start (so a server that was down past a day
// catches up). The job is unique per day, so replicas that each become
// leader within a day do not run it twice; work must be idempotent, as an
// interrupted run is finished by the next. Retention jobs use it.
func AddDaily[T river.JobArgs](reg *Registry, args T, work func(context.Context) error) error {
	if err := Register(reg, &dailyWorker[T]{work: work}); err != nil {
		return err
	}
	reg.AddPeriodic(river.PeriodicInterval(day), func() (river.JobArgs, *river.InsertOpts) {
		return args, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: day}}
	}, &river.PeriodicJobOpts{ID: args.Kind(), RunOnStart: true})
	return nil
}

// dailyWorker runs an AddDaily job.
type dailyWorker[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	work func(context.Context) error
}

func (w *dailyWorker[T]) Work(ctx context.Context, _ *river.Job[T]) error { return w.work(ctx) }
