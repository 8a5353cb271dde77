// Package webhooks sends a workspace's record events to the URLs its admins
// subscribe (outgoing webhooks, issue 8).
//
// The path of one event: the records service commits a write and its domain
// events; the events job hands them to Dispatch (a records.Bus subscriber),
// which renders one body per matching webhook and, in one transaction,
// stores a delivery row and enqueues its delivery job. The (webhook, event)
// pair is unique, so a re-run of the events job sends nothing twice, and a
// rolled-back write sends nothing at all. The delivery job signs the body
// with Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)
// and posts it through a netguard client, so a target on Roster's own
// network is refused at dial time. A non-2xx answer or no answer is retried
// by River on RetrySchedule (about 27.5 hours), with the same webhook-id and
// body each time; every attempt is logged. A webhook whose target keeps
// failing for DisableAfter is disabled and the workspace admins are emailed.
//
// Secrets are "whsec_" plus base64 of 32 random bytes, sealed at rest with
// internal/secret and shown only in Create's answer.
package webhooks
