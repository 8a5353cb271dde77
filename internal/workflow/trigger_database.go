package workflow

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
)

// DATABASE_EVENT: settings {eventName: "<object>.created|updated|deleted|upserted",
// fields: [...], filter: {...}}. Fed from the records' event bus, which
// delivers only committed changes, so a rolled-back write never runs a
// workflow. The record is {{trigger.object.*}}; on update also
// {{trigger.properties.before.*}} and {{trigger.updatedFields}}.

// Database event kinds a trigger can name; upserted matches created and
// updated.
const kindUpserted = "upserted"

var databaseEventKinds = []string{crm.EventCreated, crm.EventUpdated, crm.EventDeleted, kindUpserted}

type databaseEventTrigger struct{}

// parseEventName splits "person.created" and checks both parts.
func parseEventName(name string) (*crm.Object, string, error) {
	obj, kind, ok := strings.Cut(name, ".")
	if name == "" {
		return nil, "", triggerErr("eventName", crm.CodeRequired, "eventName is required, e.g. \"person.created\"")
	}
	o, known := crm.ObjectByName(obj)
	if !ok || !known {
		return nil, "", triggerErr("eventName", crm.CodeInvalidValue, "%q: unknown object %q (person, company, opportunity, note or task)", name, obj)
	}
	if !oneOf(kind, databaseEventKinds...) {
		return nil, "", triggerErr("eventName", crm.CodeInvalidValue, "%q: the event must be one of %s", name, strings.Join(databaseEventKinds, ", "))
	}
	return o, kind, nil
}

func (databaseEventTrigger) check(ctx context.Context, s *Service, workspaceID string, t *Trigger) error {
	name, err := settingString(t, "eventName")
	if err != nil {
		return err
	}
	o, _, err := parseEventName(name)
	if err != nil {
		return err
	}
	schema, err := s.records.Schema(ctx, workspaceID, o)
	if err != nil {
		return err
	}
	if _, err := triggerFields(schema, t); err != nil {
		return err
	}
	_, err = triggerFilter(schema, t)
	return err
}

// triggerFields reads settings.fields: each a field of the object (a
// composite by its name or one of its sub-fields, or a custom field).
func triggerFields(schema *crm.Schema, t *Trigger) ([]string, error) {
	raw, ok := t.Settings["fields"]
	if !ok || raw == nil {
		return nil, nil
	}
	list, isList := raw.([]any)
	if !isList {
		return nil, triggerErr("fields", crm.CodeInvalidType, "fields must be a list of field names")
	}
	out := make([]string, 0, len(list))
	for i, x := range list {
		f, isStr := x.(string)
		if !isStr || f == "" {
			return nil, triggerErr(fmt.Sprintf("fields[%d]", i), crm.CodeInvalidType, "expected a field name")
		}
		if len(schema.Object.Composite(f)) == 0 {
			if _, err := schema.Resolve(f); err != nil {
				return nil, triggerErr(fmt.Sprintf("fields[%d]", i), crm.CodeUnknownField, "%s has no field %q", schema.Object.Name, f)
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// triggerFilter reads settings.filter in the API's filter language.
func triggerFilter(schema *crm.Schema, t *Trigger) (*crm.Filter, error) {
	raw, ok := t.Settings["filter"]
	if !ok || raw == nil {
		return nil, nil
	}
	m, isMap := raw.(map[string]any)
	if !isMap {
		return nil, triggerErr("filter", crm.CodeInvalidType, "filter must be an object in the API's filter language")
	}
	if len(m) == 0 {
		return nil, nil
	}
	f, err := schema.ParseFilter(m)
	if err != nil {
		if e, ok := crm.AsError(err); ok {
			return nil, triggerErr(strings.TrimPrefix(e.Field, "filter."), e.Code, "filter: %s", e.Message)
		}
		return nil, err
	}
	if err := f.CheckSize(); err != nil {
		return nil, triggerErr("filter", crm.CodeInvalidValue, "%v", err)
	}
	return f, nil
}

func (databaseEventTrigger) schema(ctx context.Context, s *Service, workspaceID string, t *Trigger) (*Schema, error) {
	name, _ := settingString(t, "eventName")
	o, _, err := parseEventName(name)
	if err != nil {
		return nil, err
	}
	cs, err := s.records.Schema(ctx, workspaceID, o)
	if err != nil {
		return nil, err
	}
	rec := RecordSchema(cs)
	return Object(map[string]*Schema{
		"object":        rec,
		"properties":    Object(map[string]*Schema{"before": rec, "after": rec, "diff": OpenObject("changes")}),
		"updatedFields": ArrayOf(Scalar(TypeString)),
		"recordId":      Scalar(TypeString),
		"objectName":    Scalar(TypeString),
		"eventName":     Scalar(TypeString),
	}), nil
}

// Subscriber returns the records' event bus subscriber that starts runs of
// the active DATABASE_EVENT versions an event matches. It is idempotent: a
// redelivered event finds its runs already created (event_key).
func (s *Service) Subscriber() records.Subscriber {
	return s.handleEvents
}

func (s *Service) handleEvents(ctx context.Context, events []crm.Event) error {
	byWorkspace := map[string][]crm.Event{}
	var order []string
	for _, e := range events {
		if _, ok := byWorkspace[e.WorkspaceID]; !ok {
			order = append(order, e.WorkspaceID)
		}
		byWorkspace[e.WorkspaceID] = append(byWorkspace[e.WorkspaceID], e)
	}
	for _, ws := range order {
		if err := s.handleWorkspaceEvents(ctx, ws, byWorkspace[ws]); err != nil {
			return err
		}
	}
	return nil
}

// eventMatch is one run to start: an event, a version it fires, and the
// trigger's payload.
type eventMatch struct {
	event    crm.Event
	listener *listener
	payload  map[string]any
}

// listener is an active version with its trigger read.
type listener struct {
	version *store.WorkflowVersion
	name    string // the workflow's, for its runs' names
	object  *crm.Object
	kind    string
	fields  []string
	filter  *crm.Filter
}

func (l *listener) wants(e crm.Event) bool {
	if e.Object != l.object.Name {
		return false
	}
	if e.Kind != l.kind && !(l.kind == kindUpserted && (e.Kind == crm.EventCreated || e.Kind == crm.EventUpdated)) {
		return false
	}
	return e.Kind != crm.EventUpdated || len(l.fields) == 0 || touches(e.UpdatedFields, l.fields)
}

func (s *Service) handleWorkspaceEvents(ctx context.Context, ws string, events []crm.Event) error {
	names := map[string]bool{}
	for _, e := range events {
		names[string(e.Object)+"."+e.Kind] = true
		if e.Kind == crm.EventCreated || e.Kind == crm.EventUpdated {
			names[string(e.Object)+"."+kindUpserted] = true
		}
	}
	list := make([]string, 0, len(names))
	for n := range names {
		list = append(list, n)
	}
	versions, err := s.store.WorkflowVersionsActive(ctx, nil, &store.WorkflowVersionsActiveParams{WorkspaceID: ws, TriggerType: TriggerDatabaseEvent, EventNames: list})
	if err != nil || len(versions) == 0 {
		return err // the common case: nothing listens
	}
	listeners := make([]*listener, 0, len(versions))
	for _, v := range versions {
		var t Trigger
		if err := strictJSON(v.Trigger, &t); err != nil {
			continue
		}
		o, kind, err := parseEventName(v.EventName)
		if err != nil {
			continue
		}
		schema, err := s.records.Schema(ctx, ws, o)
		if err != nil {
			return err
		}
		w, err := s.store.WorkflowGet(ctx, nil, ws, v.WorkflowID)
		if err != nil {
			return err
		}
		l := &listener{version: v, name: w.Name, object: o, kind: kind}
		l.fields, _ = triggerFields(schema, &t)
		l.filter, _ = triggerFilter(schema, &t)
		listeners = append(listeners, l)
	}
	var wanted []crm.Event
	for _, e := range events {
		for _, l := range listeners {
			if l.wants(e) {
				wanted = append(wanted, e)
				break
			}
		}
	}
	recs, schemas, err := s.loadEventRecords(ctx, ws, wanted)
	if err != nil {
		return err
	}
	var matches []eventMatch
	for _, e := range wanted {
		r := recs[e.Object][e.RecordID]
		if r == nil {
			continue // destroyed since
		}
		schema := schemas[e.Object]
		// The record as this change left it: fields a later change
		// overwrote since are put back to what this change wrote.
		overlay(schema, r, e.Changes, false)
		var payload map[string]any
		for _, l := range listeners {
			if !l.wants(e) {
				continue
			}
			ok, err := s.eventMatches(ctx, ws, schema, l.filter, r)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if payload == nil {
				payload = eventPayload(schema, r, e)
			}
			matches = append(matches, eventMatch{event: e, listener: l, payload: payload})
		}
	}
	const batch = 200
	for start := 0; start < len(matches); start += batch {
		part := matches[start:min(start+batch, len(matches))]
		err := s.store.InTx(ctx, func(tx *sql.Tx) error {
			for _, m := range part {
				_, err := s.startRun(ctx, tx, startParams{
					version: m.listener.version, name: m.listener.name, payload: m.payload, eventKey: "event:" + m.event.Key(), depth: m.event.ChainDepth + 1,
					actor: crm.Actor{Source: crm.SourceWorkflow, Name: m.event.Actor.Name},
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return errorf("start runs for record events", err)
		}
	}
	return nil
}

// touches reports whether an update changed one of the watched fields; a
// composite name matches any of its sub-fields.
func touches(updated, watched []string) bool {
	for _, u := range updated {
		for _, w := range watched {
			if u == w || strings.HasPrefix(u, w+".") {
				return true
			}
		}
	}
	return false
}

// loadEventRecords reads the records the events are about, deleted ones
// included, in one query per object and 500 records.
func (s *Service) loadEventRecords(ctx context.Context, ws string, events []crm.Event) (map[crm.ObjectName]map[string]crm.Record, map[crm.ObjectName]*crm.Schema, error) {
	byObject := map[crm.ObjectName][]string{}
	for _, e := range events {
		byObject[e.Object] = append(byObject[e.Object], e.RecordID)
	}
	recs := map[crm.ObjectName]map[string]crm.Record{}
	schemas := map[crm.ObjectName]*crm.Schema{}
	for name, ids := range byObject {
		o, _ := crm.ObjectByName(string(name))
		schema, err := s.records.Schema(ctx, ws, o)
		if err != nil {
			return nil, nil, err
		}
		schemas[name] = schema
		got := map[string]crm.Record{}
		for start := 0; start < len(ids); start += 500 {
			part, err := s.records.GetMany(ctx, ws, o, ids[start:min(start+500, len(ids))])
			if err != nil {
				return nil, nil, err
			}
			for id, r := range part {
				got[id] = r
			}
		}
		for _, id := range ids {
			if _, ok := got[id]; ok {
				continue
			}
			if r, err := s.records.Get(ctx, ws, o, id); err == nil {
				got[id] = r // deleted: not among the live ones
			}
		}
		recs[name] = got
	}
	return recs, schemas, nil
}

// overlay writes one side of a change into r: the values the change wrote
// (before false) or the values it replaced (before true). A value the
// schema no longer accepts (a field deleted since) is left out.
func overlay(schema *crm.Schema, r crm.Record, changes crm.Diff, before bool) {
	for path, ch := range changes {
		v := ch.After
		if before {
			v = ch.Before
		}
		in := crm.Input{path: v}
		if group, sub, nested := strings.Cut(path, "."); nested {
			in = crm.Input{group: map[string]any{sub: v}}
		}
		_, _ = schema.Apply(r, in, false)
	}
}

// eventMatches tests the trigger's filter on the record in memory, or in
// the database when the filter looks at related records.
func (s *Service) eventMatches(ctx context.Context, ws string, schema *crm.Schema, f *crm.Filter, r crm.Record) (bool, error) {
	if f.Empty() {
		return true, nil
	}
	if m, ok := f.Match(r); ok {
		return m, nil
	}
	idField, _ := schema.Object.Field("id")
	deletedField, _ := schema.Object.Field("deletedAt")
	full := &crm.Filter{And: []*crm.Filter{f, {Or: []*crm.Filter{
		{Conds: []crm.Cond{{Target: crm.Target{Field: deletedField}, Op: crm.OpIs, Value: crm.IsNull}}},
		{Conds: []crm.Cond{{Target: crm.Target{Field: deletedField}, Op: crm.OpIs, Value: crm.IsNotNull}}},
	}}}, Conds: []crm.Cond{{Target: crm.Target{Field: idField}, Op: crm.OpEq, Value: r.Meta().ID}}}
	pg, err := s.records.List(ctx, ws, schema, crm.ListParams{Filter: full, First: 1})
	if err != nil {
		return false, err
	}
	return len(pg.Records) == 1, nil
}

// eventPayload is {{trigger.*}} of a record event: the record as the change
// left it, the record before the change, the changed fields.
func eventPayload(schema *crm.Schema, r crm.Record, e crm.Event) map[string]any {
	after := recordValue(schema, r)
	var before any
	if e.Kind == crm.EventUpdated {
		overlay(schema, r, e.Changes, true)
		before = recordValue(schema, r)
		overlay(schema, r, e.Changes, false)
	}
	diff, _ := normalizeJSON(e.Changes)
	updated := make([]any, len(e.UpdatedFields))
	for j, f := range e.UpdatedFields {
		updated[j] = f
	}
	return map[string]any{
		"object": after, "recordId": e.RecordID, "objectName": string(e.Object), "eventName": string(e.Object) + "." + e.Kind,
		"updatedFields": updated,
		"properties":    map[string]any{"before": before, "after": after, "diff": diff},
	}
}

// recordValue is a record as workflow variables see it: the API's JSON
// shape in plain JSON types.
func recordValue(schema *crm.Schema, r crm.Record) map[string]any {
	v, err := normalizeJSON(crm.RecordJSON(schema, r))
	if err != nil {
		return nil
	}
	m, _ := v.(map[string]any)
	return m
}
