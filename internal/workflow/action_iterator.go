package workflow

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/roster-crm/roster/internal/crm"
)

// ITERATOR {items, initialLoopStepIds}: runs the loop body (the steps from
// initialLoopStepIds until they lead back to the iterator or end) once per
// item, then continues with nextStepIds. Inside the body,
// {{<iteratorId>.currentItem}} is the item and currentItemIndex its index.
// items is a list, or a variable holding one (a JSON list in text works).
type iterator struct{}

// MaxIteratorItems bounds one loop.
const MaxIteratorItems = 1000

func (iterator) Type() string { return "ITERATOR" }

// LoopBody implements Looper.
func (iterator) LoopBody(s *Step) []string {
	var ids []string
	_ = remarshal(s.Settings.Input["initialLoopStepIds"], &ids)
	return ids
}

func (iterator) Validate(ctx context.Context, c *Check) error {
	v, ok := c.Input("items")
	if !ok {
		return c.Errorf("items", crm.CodeRequired, "is required: a list or a variable holding one")
	}
	if _, isStr := v.(string); !isStr {
		if _, isList := v.([]any); !isList {
			return c.Errorf("items", crm.CodeInvalidType, "expected a list or a variable holding one")
		}
	}
	var ids []string
	if err := remarshal(c.Step.Settings.Input["initialLoopStepIds"], &ids); err != nil {
		return c.Errorf("initialLoopStepIds", crm.CodeInvalidType, "expected a list of step IDs")
	}
	return nil
}

func (iterator) OutputSchema(ctx context.Context, c *Check) (*Schema, error) {
	return Object(map[string]*Schema{"currentItem": {Type: TypeAny}, "currentItemIndex": Scalar(TypeNumber), "hasProcessedAllItems": Scalar(TypeBoolean)}), nil
}

func (iterator) Execute(ctx context.Context, x *Exec) (*Result, error) {
	items, ok := x.Input["items"].([]any)
	if s, isStr := x.Input["items"].(string); isStr {
		ok = json.Unmarshal([]byte(s), &items) == nil
	}
	if x.Input["items"] == nil {
		items, ok = nil, true
	}
	if !ok {
		return nil, Permanent(fmt.Errorf("items: expected a list, got %s", Text(x.Input["items"])))
	}
	if len(items) > MaxIteratorItems {
		return nil, Permanent(fmt.Errorf("items: %d items; the limit is %d", len(items), MaxIteratorItems))
	}
	next := 0
	if prev, ok := x.Previous.(map[string]any); ok {
		if i, ok := prev["currentItemIndex"].(float64); ok {
			next = int(i) + 1
		}
	}
	if next >= len(items) {
		return &Result{Output: map[string]any{"currentItem": nil, "currentItemIndex": len(items), "hasProcessedAllItems": true}}, nil
	}
	return &Result{Output: map[string]any{"currentItem": items[next], "currentItemIndex": next, "hasProcessedAllItems": false}, Loop: true}, nil
}
