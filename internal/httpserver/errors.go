package httpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"syscall"

	"github.com/roster-crm/roster/internal/crm"
)

// ErrorResponse is the JSON body of every error Roster's JSON endpoints
// return. Messages repeats Error.Message in the shape Twenty's clients read.
type ErrorResponse struct {
	Error      ErrorDetail `json:"error"`
	StatusCode int         `json:"statusCode"`
	Messages   []string    `json:"messages"`
}

// ErrorDetail is the machine code, the human message and the offending
// field (an API path, omitted when the error is not about one field).
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// CodeInternal is the code of every 500.
const CodeInternal = "INTERNAL"

// CodeCanceled and StatusClientClosedRequest (nginx's 499) answer a request
// whose context was cancelled: the client went away (or the server is
// draining). Nobody reads the answer and nothing is wrong with the server,
// so it is not an internal error and is not logged as one.
const (
	CodeCanceled              = "CANCELED"
	StatusClientClosedRequest = 499
)

// statusTable is the one mapping from sentinel causes to HTTP statuses; the
// code is used when the error is a bare sentinel rather than a *crm.Error.
var statusTable = []struct {
	cause  error
	status int
	code   string
}{
	{crm.ErrNotFound, http.StatusNotFound, crm.CodeNotFound},
	{crm.ErrInvalid, http.StatusBadRequest, crm.CodeInvalidValue},
	{crm.ErrConflict, http.StatusConflict, crm.CodeDuplicate},
	{crm.ErrForbidden, http.StatusForbidden, crm.CodeForbidden},
	{crm.ErrUnauthenticated, http.StatusUnauthorized, crm.CodeUnauthenticated},
	{crm.ErrRateLimited, http.StatusTooManyRequests, crm.CodeRateLimited},
}

// Classify maps err to the response a client sees, through the one table
// every surface shares (GraphQL can use it for its error extensions).
// It returns ok=false for errors that are not the client's: those get a
// generic 500 whose message names requestID and must be logged by the caller.
func Classify(err error, requestID string) (resp ErrorResponse, ok bool) {
	// A client that went away (cancelled, or a write that hit a closed
	// connection) is not a server fault: nothing to log, nobody to answer.
	if errors.Is(err, context.Canceled) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) {
		return newErrorResponse(StatusClientClosedRequest, CodeCanceled, "", "the request was cancelled"), true
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return newErrorResponse(http.StatusRequestEntityTooLarge, crm.CodeBodyTooLarge, "",
			fmt.Sprintf("request body is larger than %d bytes", tooBig.Limit)), true
	}
	ce, isCRM := crm.AsError(err)
	if isCRM && ce.Code == crm.CodeBodyTooLarge {
		return newErrorResponse(http.StatusRequestEntityTooLarge, ce.Code, ce.Field, ce.Message), true
	}
	for _, row := range statusTable {
		if !errors.Is(err, row.cause) {
			continue
		}
		if isCRM {
			return newErrorResponse(row.status, cmpOr(ce.Code, row.code), ce.Field, ce.Message), true
		}
		return newErrorResponse(row.status, row.code, "", row.cause.Error()), true
	}
	if isCRM { // client-facing by construction, but without a known cause
		return newErrorResponse(http.StatusBadRequest, cmpOr(ce.Code, crm.CodeInvalidValue), ce.Field, ce.Message), true
	}
	return internalError(requestID), false
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func internalError(requestID string) ErrorResponse {
	msg := "internal server error"
	if requestID != "" {
		msg += " (request ID " + requestID + ")"
	}
	return newErrorResponse(http.StatusInternalServerError, CodeInternal, "", msg)
}

func newErrorResponse(status int, code, field, message string) ErrorResponse {
	return ErrorResponse{
		Error:      ErrorDetail{Code: code, Message: message, Field: field},
		StatusCode: status,
		Messages:   []string{message},
	}
}

// WriteError writes err as a JSON error response. Client errors (crm errors,
// oversize bodies) are shown as they are; anything else becomes a generic 500
// and is logged here, once, with the request ID. Handlers should return or
// pass errors here rather than log them themselves.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	resp, ok := Classify(err, RequestID(r.Context()))
	if !ok {
		Logger(r.Context()).Error("internal error", "route", routeOf(r), "method", r.Method, "err", err)
	}
	writeErrorResponse(w, resp)
}

func writeErrorResponse(w http.ResponseWriter, resp ErrorResponse) {
	WriteJSON(w, resp.StatusCode, resp)
}

// WriteJSON writes v as a JSON response with the given status. v is encoded
// before anything is written, so an unencodable value yields a clean 500.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(internalError(""))
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
