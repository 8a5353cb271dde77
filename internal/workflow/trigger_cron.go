package workflow

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// CRON: settings {type: "MINUTES", schedule: {minute: 5}} (every 5 minutes),
// {type: "HOURS", schedule: {hour: 2, minute: 15}} (every 2 hours at :15),
// {type: "DAYS", schedule: {day: 1, hour: 9, minute: 0}} (every day at
// 09:00), or {type: "CUSTOM", pattern: "*/5 * * * *"} (5-field cron), in
// settings.timeZone (an IANA name; UTC when absent, as workspaces have no
// time zone yet). A periodic job inserts one run per tick with the key
// "cron:<tick>", unique per version, so several replicas start it once.

type cronTrigger struct{}

var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// cronSchedule turns the settings into a schedule, or an error naming the
// wrong setting.
func cronSchedule(t *Trigger) (cron.Schedule, error) {
	typ, err := settingString(t, "type")
	if err != nil {
		return nil, err
	}
	sched, _ := t.Settings["schedule"].(map[string]any)
	num := func(name string, lo, hi int) (int, error) {
		v, ok := sched[name]
		if !ok {
			return 0, triggerErr("schedule."+name, crm.CodeRequired, "schedule.%s is required for type %s", name, typ)
		}
		f, isNum := v.(float64)
		if !isNum || f != float64(int(f)) || int(f) < lo || int(f) > hi {
			return 0, triggerErr("schedule."+name, crm.CodeInvalidValue, "schedule.%s must be a whole number from %d to %d", name, lo, hi)
		}
		return int(f), nil
	}
	var spec string
	switch typ {
	case "MINUTES":
		m, err := num("minute", 1, 59)
		if err != nil {
			return nil, err
		}
		spec = fmt.Sprintf("*/%d * * * *", m)
	case "HOURS":
		h, err := num("hour", 1, 23)
		if err != nil {
			return nil, err
		}
		m, err := num("minute", 0, 59)
		if err != nil {
			return nil, err
		}
		spec = fmt.Sprintf("%d */%d * * *", m, h)
	case "DAYS":
		d, err := num("day", 1, 31)
		if err != nil {
			return nil, err
		}
		h, err := num("hour", 0, 23)
		if err != nil {
			return nil, err
		}
		m, err := num("minute", 0, 59)
		if err != nil {
			return nil, err
		}
		spec = fmt.Sprintf("%d %d */%d * *", m, h, d)
	case "CUSTOM":
		p, err := settingString(t, "pattern")
		if err != nil {
			return nil, err
		}
		if p == "" {
			return nil, triggerErr("pattern", crm.CodeRequired, "pattern is required for type CUSTOM, e.g. \"*/5 * * * *\"")
		}
		spec = p
	case "":
		return nil, triggerErr("type", crm.CodeRequired, "type is required: MINUTES, HOURS, DAYS or CUSTOM")
	default:
		return nil, triggerErr("type", crm.CodeInvalidEnum, "type %q is not one of MINUTES, HOURS, DAYS, CUSTOM", typ)
	}
	tz, err := settingString(t, "timeZone")
	if err != nil {
		return nil, err
	}
	loc := time.UTC
	if tz != "" {
		if loc, err = time.LoadLocation(tz); err != nil {
			return nil, triggerErr("timeZone", crm.CodeInvalidValue, "unknown time zone %q", tz)
		}
	}
	s, err := cronParser.Parse(spec)
	if err != nil {
		return nil, triggerErr("pattern", crm.CodeInvalidValue, "%q is not a 5-field cron pattern: %v", spec, err)
	}
	if ss, ok := s.(*cron.SpecSchedule); ok {
		ss.Location = loc
	}
	return s, nil
}

func (cronTrigger) check(ctx context.Context, s *Service, workspaceID string, t *Trigger) error {
	_, err := cronSchedule(t)
	return err
}

func (cronTrigger) schema(ctx context.Context, s *Service, workspaceID string, t *Trigger) (*Schema, error) {
	return Object(map[string]*Schema{"scheduledAt": Scalar(TypeString)}), nil
}

// cronLookback is how far back FireCron looks for ticks it has not fired:
// ticks missed while no process ran for longer are skipped, not replayed.
const cronLookback = 10 * time.Minute

// FireCron starts one run per tick due since the last scan for every
// active CRON version. Each run's key is its tick, so a tick seen by two
// scans (or two replicas) starts one run.
func (s *Service) FireCron(ctx context.Context) error {
	versions, err := s.store.WorkflowVersionsActive(ctx, nil, &store.WorkflowVersionsActiveParams{TriggerType: TriggerCron})
	if err != nil {
		return err
	}
	now := s.now()
	for _, v := range versions {
		var t Trigger
		if err := strictJSON(v.Trigger, &t); err != nil {
			continue
		}
		sched, err := cronSchedule(&t)
		if err != nil {
			continue
		}
		from := now.Add(-cronLookback)
		if v.UpdatedAt.After(from) {
			from = v.UpdatedAt // activation: no tick before it
		}
		var ticks []time.Time
		for tick := sched.Next(from); !tick.After(now) && len(ticks) < 20; tick = sched.Next(tick) {
			ticks = append(ticks, tick.UTC())
		}
		if len(ticks) == 0 {
			continue
		}
		err = s.store.InTx(ctx, func(tx *sql.Tx) error {
			for _, tick := range ticks {
				at := tick.Format(time.RFC3339)
				if _, err := s.startRun(ctx, tx, startParams{version: v, eventKey: "cron:" + at, depth: 1,
					payload: map[string]any{"scheduledAt": at}, actor: crm.Actor{Source: crm.SourceWorkflow, Name: "Schedule"}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return errorf("fire cron", err)
		}
	}
	return nil
}
