package workflow

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// Limits of names and descriptions.
const (
	MaxNameLength        = 200
	MaxDescriptionLength = 5000
)

// CreateWorkflowInput is createWorkflow's data.
type CreateWorkflowInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// CreateWorkflow creates a workflow and its first, empty DRAFT version
// ("v1"), as Twenty does.
func (s *Service) CreateWorkflow(ctx context.Context, workspaceID string, in CreateWorkflowInput) (*Workflow, error) {
	name, err := checkName("name", in.Name)
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(in.Description) > MaxDescriptionLength {
		return nil, crm.Invalid("description", crm.CodeInvalidValue, "must be at most %d characters", MaxDescriptionLength)
	}
	now := s.now()
	w := &store.Workflow{ID: crm.NewID(), WorkspaceID: workspaceID, Name: name, Description: in.Description, CreatedAt: now, UpdatedAt: now}
	v := &store.WorkflowVersion{ID: crm.NewID(), WorkspaceID: workspaceID, WorkflowID: w.ID, Name: "v1", Status: VersionDraft,
		Steps: []byte("[]"), CreatedAt: now, UpdatedAt: now}
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.store.WorkflowCreate(ctx, tx, w); err != nil {
			return err
		}
		return s.store.WorkflowVersionCreate(ctx, tx, v)
	})
	if err != nil {
		return nil, errorf("create workflow", err)
	}
	w.Statuses = []string{VersionDraft}
	return workflowOf(w), nil
}

func checkName(field, name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", crm.Invalid(field, crm.CodeRequired, "is required")
	case utf8.RuneCountInString(name) > MaxNameLength:
		return "", crm.Invalid(field, crm.CodeInvalidValue, "must be at most %d characters", MaxNameLength)
	}
	return name, nil
}

// Workflow returns one workflow of the workspace.
func (s *Service) Workflow(ctx context.Context, workspaceID, id string) (*Workflow, error) {
	w, err := s.store.WorkflowGet(ctx, nil, workspaceID, id)
	if err != nil {
		return nil, err
	}
	return workflowOf(w), nil
}

// WorkflowFilter narrows Workflows.
type WorkflowFilter struct {
	ID   string
	Name string
	// NameContains keeps workflows whose name contains it, in any case.
	NameContains string
}

// Workflows returns a page of the workspace's workflows.
func (s *Service) Workflows(ctx context.Context, workspaceID string, f WorkflowFilter, p ListParams) (*Page[*Workflow], error) {
	win, n, err := p.window()
	if err != nil {
		return nil, err
	}
	rows, total, err := s.store.WorkflowList(ctx, &store.WorkflowListParams{WorkspaceID: workspaceID, ID: f.ID, Name: f.Name, NameLike: f.NameContains, ListPage: win}, p.WithTotal)
	if err != nil {
		return nil, err
	}
	return paginate(rows, n, total, func(w *store.Workflow) (time.Time, string) { return w.CreatedAt, w.ID },
		func(w *store.Workflow) (*Workflow, error) { return workflowOf(w), nil })
}

// DeleteWorkflow deletes a workflow with its versions and runs; running
// runs stop at their next step (their rows are gone).
func (s *Service) DeleteWorkflow(ctx context.Context, workspaceID, id string) (*Workflow, error) {
	var out *Workflow
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		w, err := s.store.WorkflowGet(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		out = workflowOf(w)
		return s.store.WorkflowDelete(ctx, tx, workspaceID, id)
	})
	return out, err
}

func workflowOf(w *store.Workflow) *Workflow {
	st := w.Statuses
	if st == nil {
		st = []string{}
	}
	return &Workflow{ID: w.ID, Name: w.Name, Description: w.Description, Statuses: st, LastPublishedVersionID: w.LastPublishedVersionID,
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
}
