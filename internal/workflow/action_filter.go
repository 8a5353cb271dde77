package workflow

import (
	"context"
	"fmt"
)

// FILTER {stepFilterGroups, stepFilters}: the branch continues only when
// the filters hold (all root groups together); otherwise it stops there,
// and the run completes without its next steps. Its output is {passed}.
type filterStep struct{}

func (filterStep) Type() string { return "FILTER" }

func (filterStep) Validate(ctx context.Context, c *Check) error {
	_, err := checkFilterInput(c)
	return err
}

func (filterStep) OutputSchema(ctx context.Context, c *Check) (*Schema, error) {
	return Object(map[string]*Schema{"passed": Scalar(TypeBoolean)}), nil
}

func (filterStep) Execute(ctx context.Context, x *Exec) (*Result, error) {
	fs, field, err := parseFilterSet(x.Input, false)
	if err != nil {
		return nil, Permanent(fmt.Errorf("%s: %w", field, err))
	}
	if fs.all() {
		return &Result{Output: map[string]any{"passed": true}}, nil
	}
	return &Result{Output: map[string]any{"passed": false}, Branch: true}, nil
}
