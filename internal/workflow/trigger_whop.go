package workflow

import (
	"context"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
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
