package ai

import (
	"context"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// Templates lists the built-in defaults of every action followed by the
// latest version of each of the workspace's templates.
func (s *Service) Templates(ctx context.Context, ws string) ([]*Template, error) {
	out := make([]*Template, 0, len(actions))
	for _, name := range ActionNames() {
		out = append(out, builtinTemplate(name))
	}
	saved, err := s.store.AIPromptTemplateList(ctx, ws)
	if err != nil {
		return nil, err
	}
	for _, t := range saved {
		out = append(out, fromStore(t))
	}
	return out, nil
}

// Template returns a template by ID ("builtin:<ACTION>" or a saved one)
// at a version (0: latest).
func (s *Service) Template(ctx context.Context, ws, id string, version int) (*Template, error) {
	if action, ok := strings.CutPrefix(id, builtinPrefix); ok {
		if _, known := actions[action]; known {
			return builtinTemplate(action), nil
		}
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Field: "templateId", Message: "prompt template not found"}
	}
	t, err := s.store.AIPromptTemplateGet(ctx, ws, id, version)
	if err != nil {
		return nil, err
	}
	return fromStore(t), nil
}

// template returns the latest version of a template that must belong to
// action.
func (s *Service) template(ctx context.Context, ws, action, id string) (*Template, error) {
	t, err := s.Template(ctx, ws, id, 0)
	if err != nil {
		return nil, err
	}
	if t.Action != action {
		return nil, crm.Invalid("templateId", crm.CodeInvalidValue, "template %q is for %s, not %s", t.Name, t.Action, action)
	}
	return t, nil
}

// activeTemplate is the template an action runs with: the workspace's
// most recently saved template for that action, else the built-in one.
func (s *Service) activeTemplate(ctx context.Context, ws, action string) (*Template, error) {
	saved, err := s.store.AIPromptTemplateList(ctx, ws)
	if err != nil {
		return nil, err
	}
	var best *store.AIPromptTemplate
	for _, t := range saved {
		if t.Action == action && (best == nil || t.CreatedAt.After(best.CreatedAt)) {
			best = t
		}
	}
	if best == nil {
		return builtinTemplate(action), nil
	}
	return fromStore(best), nil
}

// SaveTemplateParams save a template: a new one (ID empty, or a built-in
// ID to copy the default) or the next version of a saved one.
type SaveTemplateParams struct {
	WorkspaceID string
	UserID      *string
	Template    Template
}

// SaveTemplate validates and stores a template version.
func (s *Service) SaveTemplate(ctx context.Context, p SaveTemplateParams) (*Template, error) {
	t := p.Template
	if err := t.Check(); err != nil {
		return nil, err
	}
	if t.ID == "" || strings.HasPrefix(t.ID, builtinPrefix) {
		t.ID = crm.NewID()
	} else {
		prev, err := s.store.AIPromptTemplateGet(ctx, p.WorkspaceID, t.ID, 0)
		if err != nil {
			return nil, err
		}
		if prev.Action != t.Action {
			return nil, crm.Invalid("action", crm.CodeInvalidValue, "a template keeps its action (%s)", prev.Action)
		}
	}
	saved, err := s.store.AIPromptTemplateSave(ctx, &store.AIPromptTemplate{
		ID: t.ID, WorkspaceID: p.WorkspaceID, Action: t.Action, Name: strings.TrimSpace(t.Name), System: t.System, User: t.User,
		Model: strings.TrimSpace(t.Model), Temperature: t.Temperature, MaxTokens: t.MaxTokens, CreatedBy: p.UserID, CreatedAt: s.now(),
	})
	if err != nil {
		return nil, err
	}
	return fromStore(saved), nil
}

func fromStore(t *store.AIPromptTemplate) *Template {
	return &Template{ID: t.ID, Name: t.Name, Action: t.Action, Version: t.Version, System: t.System, User: t.User,
		Model: t.Model, Temperature: t.Temperature, MaxTokens: t.MaxTokens}
}
