// Package jobs runs Roster's background work on River, on SQLite and on
// PostgreSQL alike, through one client type: *river.Client[*sql.Tx].
//
// Side effects travel with the transaction: a service that needs follow-up
// work calls Queue.InsertTx with the *sql.Tx of its store.InTx, so the job
// exists exactly when the data it needs was committed.
//
// SQLite caveat: the store's Write pool holds exactly one connection, which
// River shares. Code holding a transaction (inside store.InTx) must only use
// the Tx variants (InsertTx); calling Insert, or anything else that needs its
// own connection, from inside a transaction waits for a connection that the
// caller itself holds, and deadlocks.
//
// Packages contribute workers and periodic jobs through the Registry before
// the queue is opened. Services that enqueue take the prepared queue at
// construction, so each is built once and its workers registered after:
//
//	q := jobs.Prepare(jobs.Config{Store: s, Logger: log})
//	svc := whopsync.New(whopsync.Config{Queue: q, ...})
//	if err := jobs.Register(q.Registry(), &SyncWorker{...}); err != nil { ... }
//	q.Registry().AddPeriodic(river.PeriodicInterval(6*time.Hour), newReconcileArgs,
//		&river.PeriodicJobOpts{ID: "whop_reconcile", RunOnStart: true})
//	if err := q.Open(ctx); err != nil { ... }
package jobs
