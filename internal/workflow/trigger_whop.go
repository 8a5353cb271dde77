package workflow

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/whopstatus"
	"github.com/roster-crm/roster/internal/whopsync"
)

// WHOP_EVENT: settings {eventName, daysBefore}. Fired after a Whop webhook
// or sync change commits, once per Whop event. Variables:
// {{trigger.membership.*}}, {{trigger.payment.*}}, {{trigger.person.*}},
// {{trigger.opportunity.*}}.

// The Whop events a trigger can name.
var whopEventNames = []string{
	"membership.activated", "membership.deactivated", "membership.cancel_at_period_end_changed",
	"membership.trial_ending_soon", "membership.renewal_upcoming",
	"payment.succeeded", "payment.failed", "refund.created", "dispute.created",
}

// whopComputedEvents are the events Roster computes by a periodic scan when
// Whop does not send them: settings.daysBefore says how early.
var whopComputedEvents = []string{"membership.trial_ending_soon", "membership.renewal_upcoming"}

type whopEventTrigger struct{}

func (whopEventTrigger) check(ctx context.Context, s *Service, workspaceID string, t *Trigger) error {
	name, err := settingString(t, "eventName")
	if err != nil {
		return err
	}
	if !oneOf(name, whopEventNames...) {
		return triggerErr("eventName", crm.CodeInvalidEnum, "eventName %q is not one of %s", name, strings.Join(whopEventNames, ", "))
	}
	if v, ok := t.Settings["daysBefore"]; ok && v != nil {
		f, isNum := v.(float64)
		if !isNum || f != float64(int(f)) || f < 1 || f > 60 {
			return triggerErr("daysBefore", crm.CodeInvalidValue, "daysBefore must be a whole number of days from 1 to 60")
		}
	}
	return nil
}

func (whopEventTrigger) schema(ctx context.Context, s *Service, workspaceID string, t *Trigger) (*Schema, error) {
	person, err := s.records.Schema(ctx, workspaceID, crm.PersonObject)
	if err != nil {
		return nil, err
	}
	opp, err := s.records.Schema(ctx, workspaceID, crm.OpportunityObject)
	if err != nil {
		return nil, err
	}
	return Object(map[string]*Schema{
		"eventName":   Scalar(TypeString),
		"whopEventId": Scalar(TypeString),
		"membership":  OpenObject("Whop membership"),
		"payment":     OpenObject("Whop payment"),
		"person":      RecordSchema(person),
		"opportunity": RecordSchema(opp),
	}), nil
}

// WhopSubscriber returns the handler of applied Whop events: it starts a
// run of every active WHOP_EVENT version naming the event's type, keyed by
// the Whop event's ID, so however often Whop redelivers it, one run.
func (s *Service) WhopSubscriber() whopsync.DomainEventHandler {
	return s.handleWhopEvent
}

func (s *Service) handleWhopEvent(ctx context.Context, e whopsync.DomainEvent) error {
	versions, err := s.store.WorkflowVersionsActive(ctx, nil, &store.WorkflowVersionsActiveParams{WorkspaceID: e.WorkspaceID, TriggerType: TriggerWhopEvent, EventNames: []string{e.Type}})
	if err != nil || len(versions) == 0 {
		return err
	}
	payload := map[string]any{"eventName": e.Type, "whopEventId": e.ID}
	kind, _, _ := strings.Cut(e.Type, ".")
	userID, membershipID := "", ""
	switch kind {
	case "membership":
		payload["membership"] = e.Data
		userID, membershipID = nested(e.Data, "user", "id"), Text(e.Data["id"])
	case "payment":
		payload["payment"] = e.Data
		userID, membershipID = nested(e.Data, "user", "id"), nested(e.Data, "membership", "id")
	default: // refund, dispute: the payment they are about, when sent
		payload[kind] = e.Data
		if p, ok := e.Data["payment"].(map[string]any); ok {
			payload["payment"] = p
			userID, membershipID = nested(p, "user", "id"), nested(p, "membership", "id")
		}
	}
	if err := s.addWhopRecords(ctx, e.WorkspaceID, payload, userID, membershipID); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *sql.Tx) error {
		for _, v := range versions {
			if _, err := s.startRun(ctx, tx, startParams{version: v, payload: payload, eventKey: "whop:" + e.ID, depth: 1,
				actor: crm.Actor{Source: crm.SourceWorkflow, Name: "Whop"}}); err != nil {
				return err
			}
		}
		return nil
	})
}

func nested(m map[string]any, keys ...string) string {
	var cur any = m
	for _, k := range keys {
		mm, _ := cur.(map[string]any)
		cur = mm[k]
	}
	return Text(cur)
}

// addWhopRecords puts the CRM person (by Whop user ID) and opportunity (by
// membership ID) of a Whop event into its payload.
func (s *Service) addWhopRecords(ctx context.Context, ws string, payload map[string]any, userID, membershipID string) error {
	find := func(o *crm.Object, field, value string) (map[string]any, error) {
		if value == "" {
			return nil, nil
		}
		schema, err := s.records.Schema(ctx, ws, o)
		if err != nil {
			return nil, err
		}
		cond, err := schema.Condition(field, string(crm.OpEq), value, false)
		if err != nil {
			return nil, err
		}
		pg, err := s.records.List(ctx, ws, schema, crm.ListParams{Filter: &crm.Filter{Conds: []crm.Cond{cond}}, First: 1})
		if err != nil || len(pg.Records) == 0 {
			return nil, err
		}
		return recordValue(schema, pg.Records[0]), nil
	}
	person, err := find(crm.PersonObject, "whopUserId", userID)
	if err != nil {
		return err
	}
	opp, err := find(crm.OpportunityObject, "whopMembershipId", membershipID)
	if err != nil {
		return err
	}
	payload["person"], payload["opportunity"] = person, opp
	return nil
}

// defaultDaysBefore is how early the computed trial and renewal events
// fire when settings.daysBefore is absent.
const defaultDaysBefore = 3

// FireComputedWhopEvents starts runs of the active WHOP_EVENT versions on
// membership.trial_ending_soon and membership.renewal_upcoming for the
// memberships whose trial ends or renewal falls within settings.daysBefore
// days: one run per membership and renewal date (the run key), however
// often the scan sees it. Whop does not send these events itself.
func (s *Service) FireComputedWhopEvents(ctx context.Context) error {
	versions, err := s.store.WorkflowVersionsActive(ctx, nil, &store.WorkflowVersionsActiveParams{TriggerType: TriggerWhopEvent, EventNames: whopComputedEvents})
	if err != nil {
		return err
	}
	now := s.now()
	for _, v := range versions {
		var t Trigger
		if err := strictJSON(v.Trigger, &t); err != nil {
			continue
		}
		days := defaultDaysBefore
		if f, ok := t.Settings["daysBefore"].(float64); ok && f >= 1 {
			days = int(f)
		}
		status := whopstatus.Active
		if v.EventName == "membership.trial_ending_soon" {
			status = whopstatus.Trialing
		}
		schema, err := s.records.Schema(ctx, v.WorkspaceID, crm.OpportunityObject)
		if err != nil {
			return err
		}
		f, err := schema.ParseFilter(map[string]any{
			"whopMembershipStatus":  map[string]any{"eq": status},
			"whopCancelAtPeriodEnd": map[string]any{"eq": false},
			"whopRenewalDate":       map[string]any{"gte": now.Format(time.RFC3339Nano), "lte": now.Add(time.Duration(days) * 24 * time.Hour).Format(time.RFC3339Nano)},
		})
		if err != nil {
			return err
		}
		pg, err := s.records.List(ctx, v.WorkspaceID, schema, crm.ListParams{Filter: f, First: crm.MaxPageSize})
		if err != nil {
			return err
		}
		err = s.store.InTx(ctx, func(tx *sql.Tx) error {
			for _, r := range pg.Records {
				o := r.(*crm.Opportunity)
				if o.WhopMembershipID == nil || o.WhopRenewalDate == nil {
					continue
				}
				renews := o.WhopRenewalDate.UTC().Format(time.RFC3339)
				payload := map[string]any{"eventName": v.EventName, "whopEventId": nil,
					"membership":  map[string]any{"id": *o.WhopMembershipID, "status": o.WhopMembershipStatus, "renewal_period_end": renews},
					"opportunity": recordValue(schema, r)}
				if o.PointOfContactID != nil {
					if p, err := s.records.Get(ctx, v.WorkspaceID, crm.PersonObject, *o.PointOfContactID); err == nil {
						ps, _ := s.records.Schema(ctx, v.WorkspaceID, crm.PersonObject)
						payload["person"] = recordValue(ps, p)
					}
				}
				key := "computed:" + v.EventName + ":" + *o.WhopMembershipID + ":" + renews
				if _, err := s.startRun(ctx, tx, startParams{version: v, payload: payload, eventKey: key, depth: 1,
					actor: crm.Actor{Source: crm.SourceWorkflow, Name: "Whop"}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return errorf("computed Whop events", err)
		}
	}
	return nil
}
