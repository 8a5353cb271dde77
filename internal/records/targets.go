package records

import (
	"context"
	"database/sql"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// TargetParams attach a note or task (Parent) to exactly one record.
type TargetParams struct {
	WorkspaceID   string
	Actor         crm.Actor
	Parent        crm.ObjectName // note or task
	ParentID      string
	PersonID      *string
	CompanyID     *string
	OpportunityID *string
}

// CreateTarget links a note or task to a person, company or opportunity and
// puts the link on that record's timeline.
func (s *Service) CreateTarget(ctx context.Context, p TargetParams) (*crm.TargetLink, error) {
	var link *crm.TargetLink
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		link, err = s.CreateTargetTx(ctx, tx, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return link, nil
}

// CreateTargetTx is CreateTarget inside the caller's transaction (a note
// written together with the change it is about).
func (s *Service) CreateTargetTx(ctx context.Context, tx *sql.Tx, p TargetParams) (*crm.TargetLink, error) {
	parent, err := parentObject(p.Parent)
	if err != nil {
		return nil, err
	}
	var target *crm.Object
	var targetID string
	n := 0
	for _, c := range []struct {
		id *string
		o  *crm.Object
	}{{p.PersonID, crm.PersonObject}, {p.CompanyID, crm.CompanyObject}, {p.OpportunityID, crm.OpportunityObject}} {
		if c.id != nil {
			n++
			target, targetID = c.o, *c.id
		}
	}
	if n != 1 {
		return nil, crm.Invalid("personId", crm.CodeInvalidValue, "set exactly one of personId, companyId, opportunityId")
	}
	link := &crm.TargetLink{ID: crm.NewID(), WorkspaceID: p.WorkspaceID, ParentID: p.ParentID,
		PersonID: p.PersonID, CompanyID: p.CompanyID, OpportunityID: p.OpportunityID, CreatedAt: s.now()}
	if _, err := s.store.RecordGet(ctx, tx, &store.RecordGetParams{Object: parent, WorkspaceID: p.WorkspaceID, ID: p.ParentID}); err != nil {
		return nil, err
	}
	if _, err := s.store.RecordGet(ctx, tx, &store.RecordGetParams{Object: target, WorkspaceID: p.WorkspaceID, ID: targetID}); err != nil {
		return nil, err
	}
	if err := s.store.TargetCreate(ctx, tx, p.Parent, link); err != nil {
		return nil, err
	}
	parentID := p.ParentID
	err = s.store.TimelineInsert(ctx, tx, []*crm.TimelineActivity{{
		ID: crm.NewID(), WorkspaceID: p.WorkspaceID, HappensAt: link.CreatedAt,
		Name: string(p.Parent) + ".linked", Properties: map[string]any{},
		RecordObject: target.Name, RecordID: targetID,
		LinkedRecordObject: p.Parent, LinkedRecordID: &parentID, Actor: p.Actor,
	}})
	if err != nil {
		return nil, err
	}
	return link, nil
}

// DeleteTarget removes a link.
func (s *Service) DeleteTarget(ctx context.Context, workspaceID string, parent crm.ObjectName, id string) (*crm.TargetLink, error) {
	if _, err := parentObject(parent); err != nil {
		return nil, err
	}
	var out *crm.TargetLink
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.store.TargetDelete(ctx, tx, parent, workspaceID, id)
		return err
	})
	return out, err
}

// TargetsOf lists the links of notes or tasks.
func (s *Service) TargetsOf(ctx context.Context, workspaceID string, parent crm.ObjectName, parentIDs []string) ([]*crm.TargetLink, error) {
	return s.store.TargetsOf(ctx, parent, workspaceID, parentIDs)
}

// TargetsFor lists the note or task links pointing at a record.
func (s *Service) TargetsFor(ctx context.Context, workspaceID string, parent crm.ObjectName, object crm.ObjectName, recordID string) ([]*crm.TargetLink, error) {
	return s.store.TargetsFor(ctx, parent, workspaceID, object, recordID)
}

// Linked returns the live notes or tasks (parent) attached to a record, in
// link order: what a record page and the AI actions read about a record.
func (s *Service) Linked(ctx context.Context, workspaceID string, parent *crm.Object, object crm.ObjectName, recordID string) ([]crm.Record, error) {
	links, err := s.TargetsFor(ctx, workspaceID, parent.Name, object, recordID)
	if err != nil || len(links) == 0 {
		return nil, err
	}
	ids := make([]string, 0, len(links))
	for _, l := range links {
		ids = append(ids, l.ParentID)
	}
	got, err := s.GetMany(ctx, workspaceID, parent, ids)
	if err != nil {
		return nil, err
	}
	out := make([]crm.Record, 0, len(got))
	for _, id := range ids {
		if r, ok := got[id]; ok && r.Meta().DeletedAt == nil {
			out = append(out, r)
		}
	}
	return out, nil
}

func parentObject(name crm.ObjectName) (*crm.Object, error) {
	switch name {
	case crm.ObjectNote:
		return crm.NoteObject, nil
	case crm.ObjectTask:
		return crm.TaskObject, nil
	}
	return nil, crm.Invalid("parent", crm.CodeInvalidEnum, "only notes and tasks have targets")
}
