// Package whop talks to Whop: a typed client for the v1 REST API (pinned to one
// Api-Version-Date so response shapes never change under us), OAuth 2.1 with
// PKCE, and verification and parsing of webhook deliveries.
//
// The client is built to Whop's documented behaviour, not to any one server:
// pagination stops on either last-page convention (has_next_page false, or an
// empty end_cursor); a 429 waits for Retry-After, else the seconds named in
// Whop's message, else backs off exponentially; a per-endpoint token bucket keeps
// the process under Whop's 600 requests per minute; a 401 triggers exactly one
// token refresh before the caller is told the connection needs
// re-authorisation (ErrReauthRequired).
//
// Nothing in this package logs or returns a token, API key or webhook secret.
package whop
