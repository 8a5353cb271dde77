package workflow

import (
	"context"
	"encoding/json"

	"github.com/roster-crm/roster/internal/crm"
)

// SampleObject names the object whose records can stand in for a
// trigger's event in a test run: the event's object, a manual trigger's
// objectType, or opportunity (Whop memberships) for Whop events. It is ""
// when the trigger has no record (a schedule, a webhook, a global manual
// run): those test runs take a JSON payload.
func SampleObject(trigger json.RawMessage) string {
	var t Trigger
	if json.Unmarshal(trigger, &t) != nil {
		return ""
	}
	switch t.Type {
	case TriggerDatabaseEvent:
		name, _ := t.Settings["eventName"].(string)
		if o, _, err := parseEventName(name); err == nil {
			return string(o.Name)
		}
	case TriggerManual:
		name, _ := t.Settings["objectType"].(string)
		if o, ok := crm.ObjectByName(name); ok {
			return string(o.Name)
		}
	case TriggerWhopEvent:
		return string(crm.OpportunityObject.Name)
	}
	return ""
}

// SamplePayload is what a version's trigger would hand its steps for one
// existing record, for a test run (RunVersion): the record as its
// DATABASE_EVENT carries it (an update with no changes), the record ID of
// a MANUAL run, or for a WHOP_EVENT the membership (an opportunity) with
// its person as the Whop trigger sets them.
func (s *Service) SamplePayload(ctx context.Context, workspaceID, versionID, recordID string) (map[string]any, error) {
	v, err := s.store.WorkflowVersionGet(ctx, nil, workspaceID, versionID)
	if err != nil {
		return nil, err
	}
	name := SampleObject(v.Trigger)
	o, ok := crm.ObjectByName(name)
	if !ok {
		return nil, crm.Invalid("recordId", crm.CodeInvalidValue, "this trigger has no record to test with: give a JSON payload")
	}
	var t Trigger
	_ = json.Unmarshal(v.Trigger, &t)
	if t.Type == TriggerManual {
		return map[string]any{"recordId": recordID}, nil
	}
	schema, err := s.records.Schema(ctx, workspaceID, o)
	if err != nil {
		return nil, err
	}
	r, err := s.records.Get(ctx, workspaceID, o, recordID)
	if err != nil {
		return nil, err
	}
	if t.Type == TriggerWhopEvent {
		event, _ := t.Settings["eventName"].(string)
		out := map[string]any{"eventName": event, "whopEventId": "test", "opportunity": recordValue(schema, r), "person": nil,
			"membership": map[string]any{}, "payment": map[string]any{}}
		if opp, ok := r.(*crm.Opportunity); ok {
			out["membership"] = map[string]any{"id": text(opp.WhopMembershipID), "status": opp.WhopMembershipStatus}
			if opp.PointOfContactID != nil {
				ps, err := s.records.Schema(ctx, workspaceID, crm.PersonObject)
				if err != nil {
					return nil, err
				}
				if p, err := s.records.Get(ctx, workspaceID, crm.PersonObject, *opp.PointOfContactID); err == nil {
					out["person"] = recordValue(ps, p)
				}
			}
		}
		return out, nil
	}
	e := crm.Event{WorkspaceID: workspaceID, Object: o.Name, RecordID: recordID, Kind: crm.EventUpdated}
	if _, kind, err := parseEventName(text(t.Settings["eventName"])); err == nil && kind != kindUpserted {
		e.Kind = kind
	}
	return eventPayload(schema, r, e), nil
}

func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case *string:
		if x != nil {
			return *x
		}
	}
	return ""
}
