package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
)

// CodeInternal is extensions.code of an error whose detail was logged and
// withheld from the client.
const CodeInternal = "INTERNAL_SERVER_ERROR"

// CodeBadUserInput is extensions.code of an argument that failed scalar
// coercion (a malformed UUID or DateTime).
const CodeBadUserInput = "BAD_USER_INPUT"

// presentError is the one adapter from Go errors to GraphQL errors:
//   - a *crm.Error keeps its message and machine code, plus the offending
//     field and an HTTP-like status in extensions;
//   - a *gqlerror.Error (gqlgen's parse, validation and argument coercion
//     errors) keeps gqlgen's message, which names the field; coercion
//     errors get the code BAD_USER_INPUT;
//   - anything else is logged once and becomes "internal error", so SQL and
//     secrets never reach the client.
func presentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		if ce, ok := crm.AsError(err); ok {
			ext := map[string]any{"code": ce.Code, "statusCode": statusCode(ce)}
			if ce.Field != "" {
				ext["field"] = ce.Field
			}
			return &gqlerror.Error{Err: err, Message: ce.Error(), Path: graphql.GetPath(ctx), Extensions: ext}
		}
		var gerr *gqlerror.Error
		if errors.As(err, &gerr) {
			out := graphql.DefaultErrorPresenter(ctx, err)
			if _, ok := out.Extensions["code"]; !ok && gerr.Err != nil {
				// A scalar or input coercion error ("123" is not a UUID):
				// the client's fault, named like Apollo does.
				if out.Extensions == nil {
					out.Extensions = map[string]any{}
				}
				out.Extensions["code"] = CodeBadUserInput
			}
			return out
		}
		path := graphql.GetPath(ctx)
		if resp, ok := httpserver.Classify(err, ""); ok { // a cancelled request, an oversized body
			return &gqlerror.Error{Err: err, Message: resp.Error.Message, Path: path, Extensions: map[string]any{"code": resp.Error.Code, "statusCode": resp.StatusCode}}
		}
		log.ErrorContext(ctx, "graphql: internal error", "path", path.String(), "err", err)
		return &gqlerror.Error{Message: "internal error", Path: path, Extensions: map[string]any{"code": CodeInternal}}
	}
}

// statusCode is the HTTP status the same error gets from the REST API: one
// table (httpserver.Classify) serves every surface.
func statusCode(e *crm.Error) int {
	resp, _ := httpserver.Classify(e, "")
	return resp.StatusCode
}

// recoverPanic logs a resolver panic with its stack and answers with an
// already-presented internal error (so it is not logged twice).
func recoverPanic(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "graphql: panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": CodeInternal}}
	}
}
