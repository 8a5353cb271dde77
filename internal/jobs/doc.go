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
// Packages contribute workers and periodic jobs through a Registry before the
// Queue is built:
//
//	reg := jobs.NewRegistry()
//	if err := jobs.Register(reg, &SyncWorker{...}); err != nil { ... }
//	reg.AddPeriodic(river.PeriodicInterval(6*time.Hour), newReconcileArgs,
//		&river.PeriodicJobOpts{ID: "whop_reconcile", RunOnStart: true})
//	q, err := jobs.New(ctx, jobs.Config{Store: s, Registry: reg, Logger: log})
package jobs
