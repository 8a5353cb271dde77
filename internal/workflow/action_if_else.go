package workflow

import (
	"context"
	"fmt"

	"github.com/roster-crm/roster/internal/crm"
)

// IF_ELSE {stepFilterGroups, stepFilters, branches: [{id, filterGroupId,
// nextStepIds}]}: the run continues with the first branch whose filter
// group holds; a branch without filterGroupId is the else branch. Its
// output is {matchedBranchId} (null when no branch matched and there is no
// else: the branch ends).
type ifElse struct{}

type ifElseBranch struct {
	ID            string   `json:"id"`
	FilterGroupID string   `json:"filterGroupId"`
	NextStepIDs   []string `json:"nextStepIds"`
}

func (ifElse) Type() string { return "IF_ELSE" }

func branchesOf(input map[string]any) ([]ifElseBranch, error) {
	var out []ifElseBranch
	err := remarshal(input["branches"], &out)
	return out, err
}

// Branches implements Brancher: every branch's next steps.
func (ifElse) Branches(s *Step) []string {
	bs, _ := branchesOf(s.Settings.Input)
	var out []string
	for _, b := range bs {
		out = append(out, b.NextStepIDs...)
	}
	return out
}

func (ifElse) Validate(ctx context.Context, c *Check) error {
	fs, err := checkFilterInput(c)
	if err != nil {
		return err
	}
	bs, err := branchesOf(c.Step.Settings.Input)
	if err != nil {
		return c.Errorf("branches", crm.CodeInvalidType, "expected a list of {id, filterGroupId, nextStepIds}")
	}
	if len(bs) == 0 {
		return c.Errorf("branches", crm.CodeRequired, "at least one branch is required")
	}
	groups := map[string]bool{}
	for _, g := range fs.groups {
		groups[g.ID] = true
	}
	elses := 0
	for i, b := range bs {
		if b.FilterGroupID == "" {
			elses++
			continue
		}
		if !groups[b.FilterGroupID] {
			return c.Errorf(fmt.Sprintf("branches[%d].filterGroupId", i), crm.CodeInvalidValue, "no filter group %q", b.FilterGroupID)
		}
	}
	if elses > 1 {
		return c.Errorf("branches", crm.CodeInvalidValue, "at most one else branch (without filterGroupId)")
	}
	return nil
}

func (ifElse) OutputSchema(ctx context.Context, c *Check) (*Schema, error) {
	return Object(map[string]*Schema{"matchedBranchId": Scalar(TypeString)}), nil
}

func (ifElse) Execute(ctx context.Context, x *Exec) (*Result, error) {
	fs, field, err := parseFilterSet(x.Input, false)
	if err != nil {
		return nil, Permanent(fmt.Errorf("%s: %w", field, err))
	}
	bs, err := branchesOf(x.Input)
	if err != nil {
		return nil, Permanent(fmt.Errorf("branches: %w", err))
	}
	var chosen *ifElseBranch
	for i := range bs {
		if bs[i].FilterGroupID != "" && fs.group(bs[i].FilterGroupID) {
			chosen = &bs[i]
			break
		}
	}
	if chosen == nil {
		for i := range bs {
			if bs[i].FilterGroupID == "" {
				chosen = &bs[i]
			}
		}
	}
	if chosen == nil {
		return &Result{Output: map[string]any{"matchedBranchId": nil}, Branch: true}, nil
	}
	return &Result{Output: map[string]any{"matchedBranchId": chosen.ID}, Branch: true, Next: chosen.NextStepIDs}, nil
}
