package crm

import (
	"errors"
	"fmt"
)

// Sentinel causes. Front doors map them to statuses through one table each:
// ErrNotFound -> 404, ErrInvalid -> 400, ErrConflict -> 409, ErrForbidden -> 403,
// ErrUnauthenticated -> 401, ErrRateLimited -> 429; anything else is a 500.
var (
	ErrNotFound        = errors.New("not found")
	ErrInvalid         = errors.New("invalid input")
	ErrConflict        = errors.New("conflict")
	ErrForbidden       = errors.New("forbidden")
	ErrUnauthenticated = errors.New("unauthenticated")
	ErrRateLimited     = errors.New("rate limited")
)

// Machine-readable error codes carried by Error.
const (
	CodeNotFound        = "NOT_FOUND"
	CodeUnknownField    = "UNKNOWN_FIELD"
	CodeInvalidType     = "INVALID_TYPE"
	CodeInvalidEnum     = "INVALID_ENUM"
	CodeInvalidValue    = "INVALID_VALUE"
	CodeRequired        = "REQUIRED"
	CodeDuplicate       = "DUPLICATE"
	CodeMalformedCursor = "MALFORMED_CURSOR"
	CodeUnknownOperator = "UNKNOWN_OPERATOR"
	CodeBodyTooLarge    = "BODY_TOO_LARGE"
	CodeForbidden       = "FORBIDDEN"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeRateLimited     = "RATE_LIMITED"
)

// Error is a client-facing error: a cause (one of the sentinels above), a
// machine code, the offending field (API path, may be empty) and a message a
// person can act on. It never carries secrets or SQL.
type Error struct {
	Cause   error
	Code    string
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Unwrap lets errors.Is match the sentinel cause.
func (e *Error) Unwrap() error { return e.Cause }

// Invalid returns an ErrInvalid error about field.
func Invalid(field, code, format string, args ...any) *Error {
	return &Error{Cause: ErrInvalid, Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns an ErrNotFound error for a record of object.
func NotFound(object ObjectName, id string) *Error {
	return &Error{Cause: ErrNotFound, Code: CodeNotFound, Message: fmt.Sprintf("%s %q not found", object, id)}
}

// Conflict returns an ErrConflict error for a duplicate value of field.
func Conflict(field, format string, args ...any) *Error {
	return &Error{Cause: ErrConflict, Code: CodeDuplicate, Field: field, Message: fmt.Sprintf(format, args...)}
}

// AsError extracts a *Error from err, if there is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
