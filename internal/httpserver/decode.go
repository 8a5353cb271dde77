package httpserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/roster-crm/roster/internal/crm"
)

// DecodeJSON decodes the request body, which must hold exactly one JSON
// value, into dst. Malformed input yields a *crm.Error (INVALID_VALUE, or
// INVALID_TYPE with the JSON path as Field); a body over the server's limit
// yields an error wrapping *http.MaxBytesError (413 through WriteError).
func DecodeJSON(r *http.Request, dst any) error {
	if r.Body == nil {
		return crm.Invalid("", crm.CodeInvalidValue, "request body is empty; want a JSON value")
	}
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	var extra json.RawMessage
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
		return nil
	case err == nil:
		return crm.Invalid("", crm.CodeInvalidValue, "request body must hold a single JSON value")
	default:
		return decodeError(err)
	}
}

func decodeError(err error) error {
	var (
		tooBig    *http.MaxBytesError
		syntax    *json.SyntaxError
		typ       *json.UnmarshalTypeError
		invalidUE *json.InvalidUnmarshalError
	)
	switch {
	case errors.As(err, &tooBig):
		return fmt.Errorf("httpserver: decode json: %w", err)
	case errors.As(err, &invalidUE):
		return fmt.Errorf("httpserver: decode json: %w", err) // a bug in the caller: 500
	case errors.Is(err, io.EOF):
		return crm.Invalid("", crm.CodeInvalidValue, "request body is empty; want a JSON value")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return crm.Invalid("", crm.CodeInvalidValue, "malformed JSON: unexpected end of input")
	case errors.As(err, &syntax):
		return crm.Invalid("", crm.CodeInvalidValue, "malformed JSON at byte %d: %s", syntax.Offset, syntax.Error())
	case errors.As(err, &typ):
		if typ.Field == "" {
			return crm.Invalid("", crm.CodeInvalidType, "request body is JSON %s; want %s", typ.Value, jsonKind(typ))
		}
		return crm.Invalid(typ.Field, crm.CodeInvalidType, "got JSON %s; want %s", typ.Value, jsonKind(typ))
	}
	if ce, ok := crm.AsError(err); ok {
		return ce // from a custom UnmarshalJSON
	}
	return crm.Invalid("", crm.CodeInvalidValue, "invalid JSON: %s", err.Error())
}

// jsonKind names the JSON type a Go type expects, for error messages.
func jsonKind(e *json.UnmarshalTypeError) string {
	if e.Type == nil {
		return "another type"
	}
	switch e.Type.Kind().String() {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "a number"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return e.Type.String()
}
