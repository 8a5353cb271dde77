package workflow

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// MaxDefinitionBytes bounds a version's trigger and steps JSON together.
const MaxDefinitionBytes = 512 << 10

// VersionInput is createWorkflowVersion's and updateWorkflowVersion's data.
// Trigger and Steps are JSON; nil leaves them as they are (empty on
// create), and a JSON null trigger clears it.
type VersionInput struct {
	WorkflowID string
	Name       *string
	Trigger    json.RawMessage
	Steps      json.RawMessage
}

// CreateVersion adds a DRAFT version to a workflow.
func (s *Service) CreateVersion(ctx context.Context, workspaceID string, in VersionInput) (*Version, error) {
	if in.WorkflowID == "" {
		return nil, crm.Invalid("workflowId", crm.CodeRequired, "is required")
	}
	now := s.now()
	v := &store.WorkflowVersion{ID: crm.NewID(), WorkspaceID: workspaceID, WorkflowID: in.WorkflowID, Status: VersionDraft,
		Steps: []byte("[]"), CreatedAt: now, UpdatedAt: now}
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.store.WorkflowGet(ctx, tx, workspaceID, in.WorkflowID); err != nil {
			return err
		}
		if err := applyVersionInput(v, in); err != nil {
			return err
		}
		if v.Name == "" {
			count, err := s.versionCount(ctx, workspaceID, in.WorkflowID)
			if err != nil {
				return err
			}
			v.Name = fmt.Sprintf("v%d", count+1)
		}
		return s.store.WorkflowVersionCreate(ctx, tx, v)
	})
	if err != nil {
		return nil, err
	}
	return versionOf(v), nil
}

func (s *Service) versionCount(ctx context.Context, workspaceID, workflowID string) (int, error) {
	_, n, err := s.store.WorkflowVersionList(ctx, &store.WorkflowVersionListParams{WorkspaceID: workspaceID, WorkflowID: workflowID,
		ListPage: store.ListPage{Limit: 1}}, true)
	return n, err
}

// UpdateVersion changes a DRAFT version; any other version is refused
// (create a draft from it instead).
func (s *Service) UpdateVersion(ctx context.Context, workspaceID, id string, in VersionInput) (*Version, error) {
	var out *store.WorkflowVersion
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		v, err := s.store.WorkflowVersionGet(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		if v.Status != VersionDraft {
			return crm.Invalid("status", crm.CodeInvalidValue,
				"version %q is %s: only a DRAFT version can be changed (createDraftFromWorkflowVersion makes an editable copy)", v.Name, v.Status)
		}
		if err := applyVersionInput(v, in); err != nil {
			return err
		}
		v.UpdatedAt = s.now()
		out = v
		return s.store.WorkflowVersionUpdate(ctx, tx, v)
	})
	if err != nil {
		return nil, err
	}
	return versionOf(out), nil
}

// applyVersionInput writes the given parts of in into v after checking
// their JSON shape; the full check waits for activation, so a draft can be
// saved half-built.
func applyVersionInput(v *store.WorkflowVersion, in VersionInput) error {
	if in.Name != nil {
		name, err := checkName("name", *in.Name)
		if err != nil {
			return err
		}
		v.Name = name
	}
	if in.Trigger != nil {
		t := bytes.TrimSpace(in.Trigger)
		if bytes.Equal(t, []byte("null")) {
			v.Trigger = nil
		} else {
			var probe map[string]any
			if err := json.Unmarshal(t, &probe); err != nil {
				return crm.Invalid("trigger", crm.CodeInvalidType, "expected a trigger object {\"type\": ..., \"settings\": {...}}")
			}
			v.Trigger = compactJSON(t)
		}
	}
	if in.Steps != nil {
		var probe []map[string]any
		if err := json.Unmarshal(in.Steps, &probe); err != nil {
			return crm.Invalid("steps", crm.CodeInvalidType, "expected a list of step objects")
		}
		if len(probe) > MaxSteps {
			return crm.Invalid("steps", crm.CodeInvalidValue, "at most %d steps", MaxSteps)
		}
		v.Steps = compactJSON(in.Steps)
	}
	if len(v.Trigger)+len(v.Steps) > MaxDefinitionBytes {
		return crm.Invalid("steps", crm.CodeInvalidValue, "the trigger and steps must be at most %d bytes of JSON", MaxDefinitionBytes)
	}
	v.TriggerType, v.EventName = triggerIndex(v.Trigger)
	return nil
}

func compactJSON(b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return b
	}
	return buf.Bytes()
}

// triggerIndex extracts what active versions are looked up by: the
// trigger's type and its event name (for record and Whop events).
func triggerIndex(trigger []byte) (string, string) {
	var t Trigger
	if len(trigger) == 0 || json.Unmarshal(trigger, &t) != nil {
		return "", ""
	}
	name, _ := t.Settings["eventName"].(string)
	return t.Type, name
}

// Version returns one version of the workspace.
func (s *Service) Version(ctx context.Context, workspaceID, id string) (*Version, error) {
	v, err := s.store.WorkflowVersionGet(ctx, nil, workspaceID, id)
	if err != nil {
		return nil, err
	}
	return versionOf(v), nil
}

// VersionFilter narrows Versions.
type VersionFilter struct {
	WorkflowID string
	Status     string
}

// Versions returns a page of versions.
func (s *Service) Versions(ctx context.Context, workspaceID string, f VersionFilter, p ListParams) (*Page[*Version], error) {
	win, n, err := p.window()
	if err != nil {
		return nil, err
	}
	if f.Status != "" && !oneOf(f.Status, VersionDraft, VersionActive, VersionDeactivated, VersionArchived) {
		return nil, crm.Invalid("filter.status", crm.CodeInvalidEnum, "%q is not one of DRAFT, ACTIVE, DEACTIVATED, ARCHIVED", f.Status)
	}
	rows, total, err := s.store.WorkflowVersionList(ctx, &store.WorkflowVersionListParams{WorkspaceID: workspaceID, WorkflowID: f.WorkflowID,
		Status: f.Status, ListPage: win}, p.WithTotal)
	if err != nil {
		return nil, err
	}
	return paginate(rows, n, total, func(v *store.WorkflowVersion) (time.Time, string) { return v.CreatedAt, v.ID },
		func(v *store.WorkflowVersion) (*Version, error) { return versionOf(v), nil })
}

// DeactivateVersion stops an ACTIVE version from firing; its running runs
// finish. It answers false when the version was not active.
func (s *Service) DeactivateVersion(ctx context.Context, workspaceID, id string) (bool, error) {
	changed := false
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		v, err := s.store.WorkflowVersionGet(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		if v.Status != VersionActive {
			return crm.Invalid("workflowVersionId", crm.CodeInvalidValue, "version %q is %s, not ACTIVE", v.Name, v.Status)
		}
		v.Status, v.UpdatedAt = VersionDeactivated, s.now()
		changed = true
		return s.store.WorkflowVersionUpdate(ctx, tx, v)
	})
	return changed, err
}

// CreateDraftFromVersion copies a version's trigger and steps into the
// workflow's draft (replacing the draft's content, as Twenty does) or into
// a new draft when there is none.
func (s *Service) CreateDraftFromVersion(ctx context.Context, workspaceID, workflowID, fromID string) (*Version, error) {
	var out *store.WorkflowVersion
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		from, err := s.store.WorkflowVersionGet(ctx, tx, workspaceID, fromID)
		if err != nil {
			return err
		}
		if from.WorkflowID != workflowID {
			return crm.Invalid("workflowVersionIdToCopy", crm.CodeInvalidValue, "version %q belongs to another workflow", fromID)
		}
		drafts, _, err := s.store.WorkflowVersionList(ctx, &store.WorkflowVersionListParams{WorkspaceID: workspaceID, WorkflowID: workflowID,
			Status: VersionDraft, ListPage: store.ListPage{Desc: true, Limit: 1}}, false)
		if err != nil {
			return err
		}
		now := s.now()
		if len(drafts) > 0 {
			d := drafts[0]
			d.Trigger, d.Steps, d.TriggerType, d.EventName, d.UpdatedAt = from.Trigger, from.Steps, from.TriggerType, from.EventName, now
			out = d
			return s.store.WorkflowVersionUpdate(ctx, tx, d)
		}
		n, err := s.versionCount(ctx, workspaceID, workflowID)
		if err != nil {
			return err
		}
		out = &store.WorkflowVersion{ID: crm.NewID(), WorkspaceID: workspaceID, WorkflowID: workflowID, Name: fmt.Sprintf("v%d", n+1),
			Status: VersionDraft, Trigger: from.Trigger, Steps: from.Steps, TriggerType: from.TriggerType, EventName: from.EventName,
			CreatedAt: now, UpdatedAt: now}
		return s.store.WorkflowVersionCreate(ctx, tx, out)
	})
	if err != nil {
		return nil, err
	}
	return versionOf(out), nil
}

func versionOf(v *store.WorkflowVersion) *Version {
	// PostgreSQL's jsonb re-spaces (and re-orders) what it stores; the API
	// answers compact JSON on both databases.
	steps := json.RawMessage(compactJSON(v.Steps))
	if len(steps) == 0 {
		steps = json.RawMessage("[]")
	}
	trigger := json.RawMessage(compactJSON(v.Trigger))
	if len(trigger) == 0 {
		trigger = json.RawMessage("null")
	}
	return &Version{ID: v.ID, WorkflowID: v.WorkflowID, Name: v.Name, Status: v.Status, Trigger: trigger, Steps: steps,
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
}

func oneOf(s string, set ...string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}
