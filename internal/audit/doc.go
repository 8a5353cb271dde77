// Package audit is the one home of a workspace's audit log: who did what to
// the workspace's people, keys and settings, when, and from where.
//
// Every service that changes something an admin must be able to account
// for records it here: auth (members, roles, invites, API keys, password
// resets, sign-ins from new places, workspace settings), whopsync (the
// integration's connects, syncs and refused webhooks), the web UI's CSV
// export and the backup command. Entries take the actions of a closed set
// (Action), name an Actor (a member, an API key, or Roster itself) and a
// Target, and carry the request's address and user-agent, which the HTTP
// server puts in the context (WithOrigin).
//
// A change made in a database transaction is recorded in that
// transaction (RecordTx): a change that rolls back leaves no entry, and an
// entry that cannot be written fails the change. Details never hold a
// secret: Record refuses keys named like one and values shaped like an API
// key.
//
// Entries are kept for Retention (400 days) and removed by a daily River
// job (Register). Reading the log is for workspace admins; the surfaces
// check the role, as they do for every admin-only operation.
package audit
