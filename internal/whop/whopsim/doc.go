// Package whopsim is a faithful simulator of Whop's public API, OAuth
// server and webhook sender. It lets people try Roster without a Whop
// account (`roster whop sim`, `roster serve --demo`) and lets tests and
// benchmarks run against something that speaks Whop's documented wire
// format (shared/reference/whop.md). It shares no types with the Roster
// client in package whop on purpose: a client that drifts from Whop's
// format fails against the simulator.
//
// # API v1 (under /api/v1)
//
//	GET /memberships, /memberships/{id}
//	GET /members,     /members/{id}
//	GET /users/{id}
//	GET /products,    /products/{id}
//	GET /plans,       /plans/{id}
//	GET /payments,    /payments/{id}
//
// Every request needs `Authorization: Bearer <token>`, either a company API
// key (Config.APIKeys, bound to one company) or an OAuth access token (acting
// for a company its user owns). Unknown, revoked or expired tokens answer
// 401; a credential lacking the endpoint's permission or asking about
// another company answers 403; a resource of another company answers 404.
// List endpoints need the company: `company_id`, or `account_id` as Whop's
// official SDK names it for products and plans (either is accepted on every
// list; 400 without one, or with two that differ), except for an OAuth token
// granted for one company. Errors use Whop's body
// {"error":{"type","code","message"}}.
//
// `Api-Version-Date` may be absent, 2025-01-01 (the original model, which
// Roster pins) or 2026-07-20 (what Whop's official TypeScript SDK, @whop/sdk
// 0.0.42, sends by default); any other value answers 400. The SDK's types
// are the authority for the shapes, and they nest company, member, plan,
// product and user on a membership at 2026-07-20 as the original model
// does, so every known date gets the same shapes: every field the SDK types
// as required is present (null where the simulator has no value), no field
// it does not type is invented, and list items carry the SDK's list fields
// (a retrieved object or a webhook's data has a few more, e.g. a
// membership's custom_field_responses, a payment's refunds).
//
// Lists page by cursor: `first` (default 20; values above 100 are clamped to
// 100), `after`, or `last`/`before`; the answer is
// {"data":[...],"page_info":{"end_cursor","start_cursor","has_next_page",
// "has_previous_page"}}. Cursors are opaque. Config.LastPageStyle picks how
// the last page looks: a null end_cursor, or a cursor with
// has_next_page:false. Default order is created_at ascending; `direction=desc`
// and `order=id` are honoured, other documented orders fall back to
// created_at. Filters take bracket arrays (`statuses[]=active`): statuses,
// product_ids, plan_ids, user_ids, created_after/created_before on
// memberships; statuses, substatuses, product_ids, plan_ids, created_* and
// updated_after/updated_before on payments. Time filters accept ISO-8601 or
// unix seconds and are exclusive. Unknown parameters are ignored. User
// emails are null unless the credential holds member:email:read.
//
// Each endpoint allows Config.RateLimit requests (default 600) per minute per
// credential, counted in fixed windows on the simulator clock; over it the
// answer is 429 {"error":{"type":"rate_limit_exceeded","message":"Try again in
// N seconds."}}, with a Retry-After header only if Config.RetryAfterHeader.
// Sim.Requests counts requests per endpoint (the Endpoint constants).
//
// # OAuth 2.1 with PKCE
//
// GET /oauth/authorize validates client_id and redirect_uri (exact match;
// errors are shown, not redirected), response_type=code, a code_challenge
// with method S256, and state, then shows a consent page whose form posts
// back with a one-time form token. Config.AutoApprove ("approve"/"deny") or
// Sim.ApprovePending answer it without a browser. POST /oauth/token (JSON or
// form) exchanges a one-time code (checking client, redirect_uri and the
// PKCE verifier; a replayed code revokes its tokens) or rotates a refresh
// token (a reused refresh token is invalid_grant and revokes the whole
// grant). Access tokens live one hour by the simulator clock. GET
// /oauth/userinfo returns {sub, name, preferred_username, picture} plus
// email and email_verified when the "email" scope was granted. POST
// /oauth/revoke revokes an access token, or a refresh token with its grant.
// Errors follow RFC 6749: {"error","error_description"}, 401 for
// invalid_client, 400 otherwise.
//
// # Data and time
//
// Sim.Generate builds a company with customers (about 90% with emails), each
// holding at least one membership, its owner, products,
// plans and memberships in a realistic status mix (mostly active; some
// trialing, past_due, canceling, canceled, expired, completed one-time, a few
// drafted and unresolved) and payments (mostly paid/succeeded; some failed
// with a failure_message, some refunded), all seeded. Money is a JSON number
// in major units with a lowercase currency. Sim.Tick (or Sim.Run) moves the
// business on: sign-ups, renewals, cancellations, failed payments,
// recoveries, refunds. SignUp, RenewMembership, FailPayment,
// CancelMembership, UncancelMembership, EndPeriod, Refund and ResolvePending
// do one change each. Every change stamps updated_at and emits its webhooks.
//
// # Webhooks
//
// Each Config.WebhookTarget receives POSTs. In v1 mode: Standard Webhooks
// headers webhook-id (msg_..., the same on every retry), webhook-timestamp
// (unix seconds of the attempt) and webhook-signature "v1,<base64 HMAC-SHA256
// over id.timestamp.body>" keyed with the raw bytes of the ws_ secret; body
// {id, api_version:"v1", type, timestamp, company_id, data} with data in the
// shape of a retrieved object (a refund's data nests a summary of its
// payment), as the SDK's webhooks.unwrap types it. Types: membership.activated, membership.deactivated,
// membership.cancel_at_period_end_changed, payment.created,
// payment.succeeded, payment.failed, payment.pending, refund.created. In
// legacy_v5 mode: {action, api_version:"v5", data} with unix-second times,
// membership.went_valid/went_invalid for activated/deactivated, and
// x-whop-signature "t=<unix>,v1=<hex HMAC over t.body>". A non-2xx answer or
// timeout is retried after 10 s, 20 s and 40 s (times Config.RetryScale),
// then dropped. Sim.Deliveries records every attempt; Sim.WaitIdle waits for
// pending ones.
//
// # Faults
//
// Sim.SetFaults arms 5xx bursts, added latency, truncated bodies, expired
// credentials, and for webhooks duplicates (same webhook-id, later
// timestamp), reordered batches and stale timestamps (600 s old).
// Sim.ExpireAccessTokens expires every issued access token once.
package whopsim
