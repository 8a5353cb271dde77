// Package workflow is Roster's automation engine: workflows, their versions
// and runs in Twenty's shapes, the triggers that start runs (record events,
// Whop events, schedules, webhooks, manual runs) and the steps they execute.
//
// Every step type is an Action registered in a Registry. The engine knows no
// action by name: it validates each step through its action when a version is
// activated, renders the step's input ({{trigger.*}}, {{<stepId>.*}}) with the
// outputs so far, executes it, and follows the flow the action's Result asks
// for (a branch, a stop, a wait, a loop). New step types (AI, contracts) are a
// file with one Action and a line in DefaultRegistry.
//
// A run is worked by River jobs. Its state is saved after every step, in the
// same transaction as a step's record writes, so a process killed mid-run
// resumes where it stopped and a record step is never applied twice; email and
// HTTP steps carry an idempotency key ("<runId>:<stepId>"). Waiting (DELAY,
// retry back-off) is a scheduled job, never a sleeping goroutine, so a restart
// loses nothing. Runs are unique per (version, triggering event) in the
// database, so redelivered events and several replicas start one run each.
package workflow
