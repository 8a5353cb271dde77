// Package auth decides who is calling: it owns users' passwords, workspace
// memberships and roles, browser sessions and Roster's own API keys. Front
// doors (web, GraphQL, REST, CLI) turn a request's credential into a
// *Principal with AuthenticateSession or AuthenticateAPIKey and pass it on;
// they never read credentials from the store themselves.
//
// Secrets at rest: passwords are argon2id hashes (PHC string format); session
// tokens and API keys are 256-bit random values stored only as SHA-256, which
// is the right hash for high-entropy secrets (a slow hash buys nothing when
// guessing is hopeless, and lookups stay one indexed read).
//
// Roles: a workspace member is RoleAdmin or RoleMember. API keys act with
// RoleAdmin: they are workspace-level credentials that only admins can create,
// meant for integrations that need the whole API, and they keep working when
// the admin who made them leaves. A key's Principal therefore has no UserID.
//
// Errors are *crm.Error values: crm.ErrUnauthenticated for any bad or missing
// credential (always the same message, so callers cannot tell an unknown
// email from a wrong password), crm.ErrForbidden for a known caller without
// the right, crm.ErrInvalid for bad input.
package auth
