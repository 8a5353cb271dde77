package jobs

import (
	"fmt"

	"github.com/riverqueue/river"
)

// Registry collects the workers and periodic jobs that a Queue will run.
// Other packages fill it before New; it is not safe for concurrent use and
// must not change after the Queue is built.
type Registry struct {
	workers  *river.Workers
	count    int
	periodic []*river.PeriodicJob
	queues   map[string]river.QueueConfig
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{workers: river.NewWorkers()}
}

// Register adds the worker for job args of type T. Registering a second
// worker for the same kind is an error.
func Register[T river.JobArgs](reg *Registry, w river.Worker[T]) error {
	if err := river.AddWorkerSafely(reg.workers, w); err != nil {
		var args T
		return fmt.Errorf("jobs: register worker for %q: %w", args.Kind(), err)
	}
	reg.count++
	return nil
}

// AddPeriodic schedules a job that River's elected leader inserts on the
// given schedule (river.PeriodicInterval for fixed intervals). With many
// replicas on PostgreSQL only the leader schedules, so each run is inserted
// once. Give the job an ID in opts so it can be told apart in logs.
func (r *Registry) AddPeriodic(schedule river.PeriodicSchedule, construct river.PeriodicJobConstructor, opts *river.PeriodicJobOpts) {
	r.periodic = append(r.periodic, river.NewPeriodicJob(schedule, construct, opts))
}

// AddQueue works the jobs inserted into the named queue (river.InsertOpts'
// Queue) with their own maxWorkers, beside the default queue: a few long
// jobs that continue in slices then never wait behind a backlog of many
// short ones, which River fetches oldest first.
func (r *Registry) AddQueue(name string, maxWorkers int) {
	if r.queues == nil {
		r.queues = map[string]river.QueueConfig{}
	}
	r.queues[name] = river.QueueConfig{MaxWorkers: maxWorkers}
}

// Len reports how many workers are registered.
func (r *Registry) Len() int { return r.count }
