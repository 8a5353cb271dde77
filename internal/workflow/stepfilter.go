package workflow

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// Twenty's step filters, shared by IF_ELSE and FILTER:
//
//	stepFilterGroups: [{id, logicalOperator: "AND"|"OR", parentStepFilterGroupId}]
//	stepFilters: [{id, stepFilterGroupId, stepOutputKey: "{{trigger.object.city}}", operand: "IS", value: "Paris"}]
//
// stepOutputKey and value are rendered like any input (so they hold values
// by the time the filter is evaluated). Operands, in Twenty's spellings
// (IS or is, IS_NOT or isNot, ...): is, isNot, contains, doesNotContain,
// startsWith, endsWith, greaterThan, greaterThanOrEqual, lessThan,
// lessThanOrEqual, isBefore, isAfter, isEmpty, isNotEmpty. A value that is a
// JSON list (Twenty writes SELECT values as '["A","B"]') makes is and isNot
// test membership.

type filterGroup struct {
	ID              string `json:"id"`
	LogicalOperator string `json:"logicalOperator"`
	ParentID        string `json:"parentStepFilterGroupId"`
}

type stepFilter struct {
	ID      string `json:"id"`
	GroupID string `json:"stepFilterGroupId"`
	Left    any    `json:"stepOutputKey"`
	Operand string `json:"operand"`
	Value   any    `json:"value"`
}

// filterSet is the parsed stepFilterGroups and stepFilters of an input.
type filterSet struct {
	groups  []filterGroup
	filters []stepFilter
}

// operands maps the normalised operand spelling to its canonical name.
var operands = map[string]string{
	"is": "is", "eq": "is", "isnot": "isNot", "neq": "isNot", "contains": "contains", "doesnotcontain": "doesNotContain",
	"startswith": "startsWith", "endswith": "endsWith", "greaterthan": "greaterThan", "gt": "greaterThan",
	"greaterthanorequal": "greaterThanOrEqual", "gte": "greaterThanOrEqual", "lessthan": "lessThan", "lt": "lessThan",
	"lessthanorequal": "lessThanOrEqual", "lte": "lessThanOrEqual", "isbefore": "isBefore", "isafter": "isAfter",
	"isempty": "isEmpty", "isnotempty": "isNotEmpty",
}

func canonicalOperand(op string) (string, bool) {
	c, ok := operands[strings.ToLower(strings.ReplaceAll(op, "_", ""))]
	return c, ok
}

// parseFilterSet reads the filter groups and filters of an input and checks
// their structure; field names the offending key. written is true for the
// input as written (at activation), where stepOutputKey must be a variable;
// at run time it holds the variable's value.
func parseFilterSet(input map[string]any, written bool) (*filterSet, string, error) {
	fs := &filterSet{}
	if err := remarshal(input["stepFilterGroups"], &fs.groups); err != nil {
		return nil, "stepFilterGroups", fmt.Errorf("expected a list of {id, logicalOperator}")
	}
	if err := remarshal(input["stepFilters"], &fs.filters); err != nil {
		return nil, "stepFilters", fmt.Errorf("expected a list of {id, stepFilterGroupId, stepOutputKey, operand, value}")
	}
	groups := map[string]bool{}
	for i, g := range fs.groups {
		if g.ID == "" {
			return nil, fmt.Sprintf("stepFilterGroups[%d].id", i), fmt.Errorf("is required")
		}
		if op := strings.ToUpper(g.LogicalOperator); op != "" && op != "AND" && op != "OR" {
			return nil, fmt.Sprintf("stepFilterGroups[%d].logicalOperator", i), fmt.Errorf("must be AND or OR, not %q", g.LogicalOperator)
		}
		groups[g.ID] = true
	}
	for i, g := range fs.groups {
		if g.ParentID != "" && !groups[g.ParentID] {
			return nil, fmt.Sprintf("stepFilterGroups[%d].parentStepFilterGroupId", i), fmt.Errorf("no group %q", g.ParentID)
		}
	}
	for i, f := range fs.filters {
		if _, ok := canonicalOperand(f.Operand); !ok {
			return nil, fmt.Sprintf("stepFilters[%d].operand", i), fmt.Errorf("unknown operand %q", f.Operand)
		}
		if f.GroupID != "" && !groups[f.GroupID] {
			return nil, fmt.Sprintf("stepFilters[%d].stepFilterGroupId", i), fmt.Errorf("no group %q", f.GroupID)
		}
		if key, ok := f.Left.(string); written && (!ok || !strings.Contains(key, "{{")) {
			return nil, fmt.Sprintf("stepFilters[%d].stepOutputKey", i), fmt.Errorf("must be a variable such as {{trigger.object.city}}")
		}
	}
	return fs, "", nil
}

func remarshal(v any, dst any) error {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dst)
}

// checkFilterInput validates a step's filters at activation.
func checkFilterInput(c *Check) (*filterSet, error) {
	fs, field, err := parseFilterSet(c.Step.Settings.Input, true)
	if err != nil {
		return nil, c.Errorf(field, crm.CodeInvalidValue, "%v", err)
	}
	return fs, nil
}

// group evaluates one group: its filters and child groups combined with
// its logical operator (AND when unset).
func (fs *filterSet) group(id string) bool {
	var g filterGroup
	for _, x := range fs.groups {
		if x.ID == id {
			g = x
		}
	}
	or := strings.EqualFold(g.LogicalOperator, "OR")
	var results []bool
	for _, f := range fs.filters {
		if f.GroupID == id {
			results = append(results, f.match())
		}
	}
	for _, child := range fs.groups {
		if child.ParentID == id && id != "" {
			results = append(results, fs.group(child.ID))
		}
	}
	return combine(results, or)
}

// all evaluates every root group (and ungrouped filters) together with AND.
func (fs *filterSet) all() bool {
	var results []bool
	for _, g := range fs.groups {
		if g.ParentID == "" {
			results = append(results, fs.group(g.ID))
		}
	}
	for _, f := range fs.filters {
		if f.GroupID == "" {
			results = append(results, f.match())
		}
	}
	return combine(results, false)
}

func combine(results []bool, or bool) bool {
	if len(results) == 0 {
		return true
	}
	for _, r := range results {
		if or && r {
			return true
		}
		if !or && !r {
			return false
		}
	}
	return !or
}

// match evaluates one filter on its rendered operands.
func (f stepFilter) match() bool {
	op, _ := canonicalOperand(f.Operand)
	left := f.Left
	switch op {
	case "isEmpty":
		return empty(left)
	case "isNotEmpty":
		return !empty(left)
	}
	right := f.Value
	if s, ok := right.(string); ok && strings.HasPrefix(strings.TrimSpace(s), "[") {
		var list []any
		if json.Unmarshal([]byte(s), &list) == nil {
			right = list
		}
	}
	switch op {
	case "is", "isNot":
		eq := false
		if list, ok := right.([]any); ok {
			for _, r := range list {
				eq = eq || equalOperands(left, r)
			}
		} else {
			eq = equalOperands(left, right)
		}
		return eq == (op == "is")
	case "contains", "doesNotContain":
		in := strings.Contains(strings.ToLower(Text(left)), strings.ToLower(Text(right)))
		if list, ok := left.([]any); ok {
			in = false
			for _, l := range list {
				in = in || equalOperands(l, right)
			}
		}
		return in == (op == "contains")
	case "startsWith":
		return strings.HasPrefix(strings.ToLower(Text(left)), strings.ToLower(Text(right)))
	case "endsWith":
		return strings.HasSuffix(strings.ToLower(Text(left)), strings.ToLower(Text(right)))
	}
	c, ok := compare(left, right)
	if !ok {
		return false
	}
	switch op {
	case "greaterThan", "isAfter":
		return c > 0
	case "greaterThanOrEqual":
		return c >= 0
	case "lessThan", "isBefore":
		return c < 0
	case "lessThanOrEqual":
		return c <= 0
	}
	return false
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

func equalOperands(a, b any) bool {
	if c, ok := compare(a, b); ok {
		return c == 0
	}
	return Text(a) == Text(b)
}

// compare orders two operands as numbers, then as date-times; ok is false
// when they are neither.
func compare(a, b any) (int, bool) {
	if x, ok := number(a); ok {
		if y, ok := number(b); ok {
			return cmp3(x < y, x > y), true
		}
	}
	if x, ok := instant(a); ok {
		if y, ok := instant(b); ok {
			return cmp3(x.Before(y), x.After(y)), true
		}
	}
	return 0, false
}

func cmp3(less, more bool) int {
	switch {
	case less:
		return -1
	case more:
		return 1
	}
	return 0
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

func instant(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
