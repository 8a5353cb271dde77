package whop

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
)

// Sentinel causes, matched with errors.Is. APIError and OAuthError unwrap to
// them so callers branch on the cause rather than on status codes.
var (
	// ErrReauthRequired means the stored credential no longer works (a second
	// 401 after a refresh, or a refresh token Whop rejected): a person has to
	// connect the workspace again. Retrying will not help.
	ErrReauthRequired = errors.New("whop: re-authorisation required")
	// ErrForbidden is a 403: the credential is valid but lacks a permission.
	ErrForbidden = errors.New("whop: forbidden")
	// ErrNotFound is a 404.
	ErrNotFound = errors.New("whop: not found")
	// ErrRateLimited is a 429 that outlasted the client's retries.
	ErrRateLimited = errors.New("whop: rate limited")
	// ErrBadRequest covers 400, 409 and 422: the request itself is wrong.
	ErrBadRequest = errors.New("whop: bad request")
	// ErrServer is a 5xx that outlasted the client's retries.
	ErrServer = errors.New("whop: server error")
	// ErrBadResponse means a 2xx body could not be decoded (truncated or not
	// JSON) even after a retry.
	ErrBadResponse = errors.New("whop: malformed response")
)

// APIError is a non-2xx answer from the REST API, decoded from Whop's
// {"error":{"type","code","message"}} body. It never carries the request's
// credential.
type APIError struct {
	// Endpoint is the route template, e.g. "GET /memberships/{id}".
	Endpoint string
	Status   int
	Type     string
	Code     string
	Message  string
	// Permission is the missing permission (e.g. "member:email:read") when a
	// 403 body names one.
	Permission string
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("whop: %s: %d %s", e.Endpoint, e.Status, http.StatusText(e.Status))
	if e.Type != "" {
		s += " (" + e.Type + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Unwrap maps the status to a sentinel cause.
func (e *APIError) Unwrap() error {
	switch {
	case e.Status == http.StatusForbidden:
		return ErrForbidden
	case e.Status == http.StatusNotFound:
		return ErrNotFound
	case e.Status == http.StatusTooManyRequests:
		return ErrRateLimited
	case e.Status >= 500:
		return ErrServer
	case e.Status == http.StatusBadRequest, e.Status == http.StatusConflict, e.Status == http.StatusUnprocessableEntity:
		return ErrBadRequest
	}
	return nil
}

// ReauthRequiredError says why a connection needs re-authorisation. It matches
// ErrReauthRequired and unwraps to the error that proved it (an *APIError 401
// or an *OAuthError invalid_grant).
type ReauthRequiredError struct {
	Reason string
	Err    error
}

func (e *ReauthRequiredError) Error() string {
	if e.Err != nil {
		return "whop: re-authorisation required: " + e.Reason + ": " + e.Err.Error()
	}
	return "whop: re-authorisation required: " + e.Reason
}

// Is matches ErrReauthRequired.
func (e *ReauthRequiredError) Is(target error) bool { return target == ErrReauthRequired }

// Unwrap returns the underlying error.
func (e *ReauthRequiredError) Unwrap() error { return e.Err }

// OAuthError is an RFC 6749 error body from the token, revoke or userinfo
// endpoints: {"error":"invalid_grant","error_description":"..."}.
type OAuthError struct {
	Status      int
	Code        string
	Description string
}

func (e *OAuthError) Error() string {
	s := fmt.Sprintf("whop oauth: %d %s", e.Status, e.Code)
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// permissionRE finds a Whop permission key such as member:email:read in a 403
// message; Whop's messages name the permission but the format is not fixed.
var permissionRE = regexp.MustCompile(`\b[a-z_]+(?::[a-z_]+){1,3}\b`)

func findPermission(msg string) string {
	return permissionRE.FindString(msg)
}
