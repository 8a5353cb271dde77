package rest

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
)

// maxBatch bounds POST /rest/batch/{object}; the 1 MiB body limit would
// allow more, but one transaction should stay short.
const maxBatch = crm.MaxPageSize

// decodeBody reads the request body as one JSON value with numbers kept as
// json.Number (so integer amounts in micros never pass through float64).
// Size limits and malformed JSON are reported by httpserver.DecodeJSON.
func decodeBody(r *http.Request) (any, error) {
	var raw json.RawMessage
	if err := httpserver.DecodeJSON(r, &raw); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, crm.Invalid("", crm.CodeInvalidValue, "malformed JSON: %s", err.Error())
	}
	return v, nil
}

// decodeObject reads a body that must be one JSON object.
func decodeObject(r *http.Request, o *crm.Object) (crm.Input, error) {
	v, err := decodeBody(r)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		hint := ""
		if _, isList := v.([]any); isList {
			hint = "; to create several, POST the array to /rest/batch/" + o.Plural
		}
		return nil, crm.Invalid("", crm.CodeInvalidType, "request body must be a JSON object of %s fields, got %s%s", o.Name, jsonType(v), hint)
	}
	return m, nil
}

// decodeArray reads a body that must be a JSON array of objects.
func decodeArray(r *http.Request, o *crm.Object) ([]crm.Input, error) {
	v, err := decodeBody(r)
	if err != nil {
		return nil, err
	}
	list, ok := v.([]any)
	if !ok {
		return nil, crm.Invalid("", crm.CodeInvalidType, "request body must be a JSON array of %s objects, got %s", o.Name, jsonType(v))
	}
	if len(list) == 0 {
		return nil, crm.Invalid("", crm.CodeRequired, "request body is an empty array; nothing to create")
	}
	if len(list) > maxBatch {
		return nil, crm.Invalid("", crm.CodeInvalidValue, "a batch holds at most %d records, got %d", maxBatch, len(list))
	}
	out := make([]crm.Input, len(list))
	for i, x := range list {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, crm.Invalid("", crm.CodeInvalidType, "element %d of the array must be a JSON object, got %s", i, jsonType(x))
		}
		out[i] = m
	}
	return out, nil
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	}
	return "an unknown JSON value"
}
