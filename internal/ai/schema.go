package ai

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Field types of an output schema.
const (
	fieldString  = "string"
	fieldNumber  = "number"
	fieldInteger = "integer"
	fieldStrings = "array" // a list of strings
)

// Field is one key of an action's output.
type Field struct {
	Name        string
	Type        string
	Description string
	Enum        []string
	// Min and Max bound numbers. They are checked locally and stated in the
	// description: strict mode of some models refuses minimum/maximum.
	Min, Max *float64
	// NonEmpty refuses "" and [].
	NonEmpty bool
}

// OutputSchema is an action's output: a flat JSON object whose every key is
// required and no other is allowed (OpenAI's strict rules, which Anthropic's
// tool input_schema accepts as well).
type OutputSchema struct {
	// Name names the schema for OpenAI (json_schema.name) and the forced
	// tool for Anthropic.
	Name        string
	Description string
	Fields      []Field
}

func bound(v float64) *float64 { return &v }

// JSON is the schema as JSON Schema, for response_format and input_schema.
func (o *OutputSchema) JSON() map[string]any {
	props := map[string]any{}
	required := make([]string, 0, len(o.Fields))
	for _, f := range o.Fields {
		p := map[string]any{"type": f.Type}
		desc := f.Description
		if f.Min != nil && f.Max != nil {
			desc = strings.TrimSpace(fmt.Sprintf("%s (from %g to %g)", desc, *f.Min, *f.Max))
		}
		if desc != "" {
			p["description"] = desc
		}
		if len(f.Enum) > 0 {
			p["enum"] = f.Enum
		}
		if f.Type == fieldStrings {
			p["items"] = map[string]any{"type": "string"}
		}
		props[f.Name] = p
		required = append(required, f.Name)
	}
	return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}

// Parse reads a model's answer against the schema: it strips a Markdown
// code fence, decodes the JSON object and checks every field. The error
// names the field and the problem, for the re-ask and the run log.
func (o *OutputSchema) Parse(text string) (map[string]any, error) {
	text = stripFence(text)
	var out map[string]any
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil || out == nil {
		return nil, fmt.Errorf("the answer is not a JSON object")
	}
	if dec.More() {
		return nil, fmt.Errorf("the answer has text after the JSON object")
	}
	for k := range out {
		if !slices.ContainsFunc(o.Fields, func(f Field) bool { return f.Name == k }) {
			return nil, fmt.Errorf("unexpected field %q", k)
		}
	}
	for _, f := range o.Fields {
		v, ok := out[f.Name]
		if !ok || v == nil {
			return nil, fmt.Errorf("field %q is missing", f.Name)
		}
		val, err := f.check(v)
		if err != nil {
			return nil, fmt.Errorf("field %q %v", f.Name, err)
		}
		out[f.Name] = val
	}
	return out, nil
}

// check validates one value and returns it in Go types (float64, int,
// string, []string).
func (f *Field) check(v any) (any, error) {
	switch f.Type {
	case fieldString:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("must be a string")
		}
		if f.NonEmpty && strings.TrimSpace(s) == "" {
			return nil, fmt.Errorf("must not be empty")
		}
		if len(f.Enum) > 0 && !slices.Contains(f.Enum, s) {
			return nil, fmt.Errorf("must be one of %s, got %q", strings.Join(f.Enum, ", "), s)
		}
		return s, nil
	case fieldNumber, fieldInteger:
		n, ok := v.(json.Number)
		if !ok {
			return nil, fmt.Errorf("must be a number")
		}
		x, err := n.Float64()
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("must be a number")
		}
		if f.Type == fieldInteger && x != math.Trunc(x) {
			return nil, fmt.Errorf("must be a whole number")
		}
		if (f.Min != nil && x < *f.Min) || (f.Max != nil && x > *f.Max) {
			return nil, fmt.Errorf("must be from %g to %g, got %g", *f.Min, *f.Max, x)
		}
		if f.Type == fieldInteger {
			return int(x), nil
		}
		return x, nil
	case fieldStrings:
		list, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("must be a list of strings")
		}
		out := make([]string, 0, len(list))
		for i, e := range list {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("item %d must be a string", i)
			}
			out = append(out, s)
		}
		if f.NonEmpty && len(out) == 0 {
			return nil, fmt.Errorf("must not be empty")
		}
		return out, nil
	}
	return nil, fmt.Errorf("has an unknown type %s", f.Type)
}

// stripFence removes a ```json ... ``` fence around an answer, the most
// common way models wrap JSON when not forced to a schema.
func stripFence(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "```") {
		return s
	}
	s = strings.TrimPrefix(s, "```")
	if i := strings.IndexByte(s, '\n'); i >= 0 && !strings.ContainsAny(s[:i], "{[") {
		s = s[i+1:]
	}
	s = strings.TrimSpace(s)
	return strings.TrimSpace(strings.TrimSuffix(s, "```"))
}
