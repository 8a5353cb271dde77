package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// CreateParams create one or many records of one object.
type CreateParams struct {
	WorkspaceID string
	Object      *crm.Object
	Actor       crm.Actor
	Inputs      []crm.Input
	// Upsert updates an existing record instead of failing on a duplicate:
	// matched by id, then by the Whop ID (whopUserId, whopMembershipId), then
	// by primary email (people) or domain (companies).
	Upsert bool
}

// Create validates and writes the inputs atomically: either every record is
// created (or upserted) or none is. Records come back in input order.
func (s *Service) Create(ctx context.Context, p CreateParams) ([]crm.Record, error) {
	var out []crm.Record
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.CreateTx(ctx, tx, p)
		return err
	})
	return out, err
}

// CreateTx is Create inside the caller's transaction.
func (s *Service) CreateTx(ctx context.Context, tx *sql.Tx, p CreateParams) ([]crm.Record, error) {
	res, err := s.UpsertTx(ctx, tx, p)
	if err != nil {
		return nil, err
	}
	return res.Records, nil
}

// UpsertResult is what a create or upsert did: the records in input order,
// and how many were inserted and how many existing ones actually changed.
type UpsertResult struct {
	Records []crm.Record
	Created int
	Updated int
}

// UpsertTx is CreateTx that also reports how many rows it wrote, so a sync
// can prove that re-applying unchanged data writes nothing.
func (s *Service) UpsertTx(ctx context.Context, tx *sql.Tx, p CreateParams) (*UpsertResult, error) {
	if len(p.Inputs) == 0 {
		return nil, crm.Invalid("data", crm.CodeRequired, "nothing to create")
	}
	schema, err := s.schema(ctx, tx, p.WorkspaceID, p.Object)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var existing *matcher
	if p.Upsert {
		if existing, err = s.match(ctx, tx, p, schema); err != nil {
			return nil, err
		}
	}
	out := make([]crm.Record, len(p.Inputs))
	var inserts []crm.Record
	changes := &changeSet{diffs: map[crm.Record]crm.Diff{}}
	for i, in := range p.Inputs {
		if r := existing.find(in); r != nil {
			diff, err := schema.Apply(r, withoutKey(in, "id"), false)
			if err != nil {
				return nil, atIndex(err, i, len(p.Inputs))
			}
			if !existing.isNew(r) {
				changes.add(r, diff)
			}
			out[i] = r
			continue
		}
		r := p.Object.New()
		if _, err := schema.Apply(r, in, true); err != nil {
			return nil, atIndex(err, i, len(p.Inputs))
		}
		m := r.Meta()
		if m.ID == "" {
			m.ID = crm.NewID()
		}
		m.WorkspaceID, m.CreatedAt, m.UpdatedAt, m.CreatedBy = p.WorkspaceID, now, now, p.Actor
		existing.add(r)
		inserts = append(inserts, r)
		out[i] = r
	}
	if err := s.checkRefs(ctx, tx, p.WorkspaceID, p.Object, out); err != nil {
		return nil, err
	}
	if err := s.store.RecordInsert(ctx, tx, p.Object, inserts); err != nil {
		return nil, err
	}
	acts := make([]*crm.TimelineActivity, 0, len(inserts)+len(changes.order))
	events := make([]crm.Event, 0, len(inserts)+len(changes.order))
	for _, r := range inserts {
		acts = append(acts, activity(p.Object, r, crm.EventCreated, nil, p.Actor, now))
		events = append(events, event(p.Object, r, crm.EventCreated, nil, p.Actor, now))
	}
	updated := 0
	for _, r := range changes.order {
		diff := changes.diffs[r]
		if len(diff) == 0 {
			continue // an upsert that changes nothing writes nothing
		}
		updated++
		r.Meta().UpdatedAt = now
		if err := s.store.RecordUpdate(ctx, tx, p.Object, r, diff.Fields()); err != nil {
			return nil, err
		}
		acts = append(acts, activity(p.Object, r, crm.EventUpdated, diff, p.Actor, now))
		events = append(events, event(p.Object, r, crm.EventUpdated, diff, p.Actor, now))
	}
	if err := s.store.TimelineInsert(ctx, tx, acts); err != nil {
		return nil, err
	}
	if err := s.emit(ctx, tx, events); err != nil {
		return nil, err
	}
	return &UpsertResult{Records: out, Created: len(inserts), Updated: updated}, nil
}

// changeSet accumulates the changes upserts make to existing records; two
// inputs for one record merge, keeping the value before the first change.
type changeSet struct {
	order []crm.Record
	diffs map[crm.Record]crm.Diff
}

func (c *changeSet) add(r crm.Record, diff crm.Diff) {
	d, seen := c.diffs[r]
	if !seen {
		d = crm.Diff{}
		c.diffs[r] = d
		c.order = append(c.order, r)
	}
	for k, ch := range diff {
		if prev, ok := d[k]; ok {
			ch.Before = prev.Before
		}
		d[k] = ch
	}
}

// atIndex prefixes a validation error with the record's position in a batch.
func atIndex(err error, i, n int) error {
	var e *crm.Error
	if n > 1 && errors.As(err, &e) {
		cp := *e
		cp.Message = fmt.Sprintf("record %d: %s", i, e.Message)
		return &cp
	}
	return err
}

func withoutKey(in crm.Input, key string) crm.Input {
	if _, ok := in[key]; !ok {
		return in
	}
	out := make(crm.Input, len(in))
	for k, v := range in {
		if k != key {
			out[k] = v
		}
	}
	return out
}

// UpdateParams change one record.
type UpdateParams struct {
	WorkspaceID string
	Object      *crm.Object
	Actor       crm.Actor
	ID          string
	Input       crm.Input
}

// Update applies a partial change. An update that changes nothing writes
// nothing and records no activity.
func (s *Service) Update(ctx context.Context, p UpdateParams) (crm.Record, error) {
	var out crm.Record
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, _, err = s.UpdateTx(ctx, tx, p)
		return err
	})
	return out, err
}

// UpdateTx is Update inside the caller's transaction; it also returns what
// changed.
func (s *Service) UpdateTx(ctx context.Context, tx *sql.Tx, p UpdateParams) (crm.Record, crm.Diff, error) {
	schema, err := s.schema(ctx, tx, p.WorkspaceID, p.Object)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.store.RecordGet(ctx, tx, &store.RecordGetParams{Object: p.Object, WorkspaceID: p.WorkspaceID, ID: p.ID})
	if err != nil {
		return nil, nil, err
	}
	diff, err := schema.Apply(r, p.Input, false)
	if err != nil {
		return nil, nil, err
	}
	if len(diff) == 0 {
		return r, diff, nil
	}
	if err := s.checkRefs(ctx, tx, p.WorkspaceID, p.Object, []crm.Record{r}); err != nil {
		return nil, nil, err
	}
	now := s.now()
	r.Meta().UpdatedAt = now
	if err := s.store.RecordUpdate(ctx, tx, p.Object, r, diff.Fields()); err != nil {
		return nil, nil, err
	}
	if err := s.store.TimelineInsert(ctx, tx, []*crm.TimelineActivity{activity(p.Object, r, crm.EventUpdated, diff, p.Actor, now)}); err != nil {
		return nil, nil, err
	}
	if err := s.emit(ctx, tx, []crm.Event{event(p.Object, r, crm.EventUpdated, diff, p.Actor, now)}); err != nil {
		return nil, nil, err
	}
	return r, diff, nil
}

// Ref names one record for delete, restore and destroy.
type Ref struct {
	WorkspaceID string
	Object      *crm.Object
	Actor       crm.Actor
	ID          string
}

// Delete soft-deletes a record: it leaves lists but can be restored.
func (s *Service) Delete(ctx context.Context, ref Ref) (crm.Record, error) {
	return s.lifecycle(ctx, ref, crm.EventDeleted)
}

// Restore brings a soft-deleted record back.
func (s *Service) Restore(ctx context.Context, ref Ref) (crm.Record, error) {
	return s.lifecycle(ctx, ref, crm.EventRestored)
}

// Destroy deletes a record permanently (it need not be soft-deleted first).
func (s *Service) Destroy(ctx context.Context, ref Ref) (crm.Record, error) {
	return s.lifecycle(ctx, ref, crm.EventDestroyed)
}

// DeleteTx is Delete inside the caller's transaction.
func (s *Service) DeleteTx(ctx context.Context, tx *sql.Tx, ref Ref) (crm.Record, error) {
	return s.lifecycleTx(ctx, tx, ref, crm.EventDeleted)
}

func (s *Service) lifecycle(ctx context.Context, ref Ref, kind string) (crm.Record, error) {
	var out crm.Record
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.lifecycleTx(ctx, tx, ref, kind)
		return err
	})
	return out, err
}

func (s *Service) lifecycleTx(ctx context.Context, tx *sql.Tx, ref Ref, kind string) (crm.Record, error) {
	r, err := s.store.RecordGet(ctx, tx, &store.RecordGetParams{Object: ref.Object, WorkspaceID: ref.WorkspaceID, ID: ref.ID, IncludeDeleted: true})
	if err != nil {
		return nil, err
	}
	now := s.now()
	m := r.Meta()
	switch kind {
	case crm.EventDeleted:
		if m.DeletedAt != nil {
			return nil, crm.NotFound(ref.Object.Name, ref.ID)
		}
		m.DeletedAt, m.UpdatedAt = &now, now
		err = s.store.RecordSetDeleted(ctx, tx, ref.Object, ref.WorkspaceID, ref.ID, &now, now)
	case crm.EventRestored:
		if m.DeletedAt == nil {
			return nil, crm.Invalid("id", crm.CodeInvalidValue, "%s %q is not deleted", ref.Object.Name, ref.ID)
		}
		m.DeletedAt, m.UpdatedAt = nil, now
		err = s.store.RecordSetDeleted(ctx, tx, ref.Object, ref.WorkspaceID, ref.ID, nil, now)
	case crm.EventDestroyed:
		err = s.store.RecordDestroy(ctx, tx, ref.Object, ref.WorkspaceID, ref.ID)
	}
	if err != nil {
		return nil, err
	}
	if kind != crm.EventDestroyed {
		if err := s.store.TimelineInsert(ctx, tx, []*crm.TimelineActivity{activity(ref.Object, r, kind, nil, ref.Actor, now)}); err != nil {
			return nil, err
		}
	}
	if err := s.emit(ctx, tx, []crm.Event{event(ref.Object, r, kind, nil, ref.Actor, now)}); err != nil {
		return nil, err
	}
	return r, nil
}

// checkRefs verifies that every record reference points at a live record of
// the same workspace; foreign keys alone would accept another workspace's ID.
func (s *Service) checkRefs(ctx context.Context, tx *sql.Tx, workspaceID string, o *crm.Object, recs []crm.Record) error {
	for _, f := range o.Fields {
		if f.Kind != crm.KindUUID {
			continue
		}
		target, _ := crm.ObjectByName(string(f.Ref))
		seen := map[string]bool{}
		var ids []string
		for _, r := range recs {
			if v, ok := f.Value(r).(string); ok && !seen[v] {
				seen[v] = true
				ids = append(ids, v)
			}
		}
		for start := 0; start < len(ids); start += 500 {
			part := ids[start:min(start+500, len(ids))]
			found, err := s.store.RecordsExist(ctx, tx, target, workspaceID, part)
			if err != nil {
				return err
			}
			for _, id := range part {
				if !found[id] {
					return crm.Invalid(f.Name, crm.CodeInvalidValue, "%s %q does not exist", target.Name, id)
				}
			}
		}
	}
	return nil
}
