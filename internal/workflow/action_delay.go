package workflow

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// DELAY {delayType: "DURATION", duration: {days, hours, minutes, seconds}}
// or {delayType: "SCHEDULED_DATE", scheduledDateTime: "2026-12-24T09:00:00Z"}:
// the run waits, durably: the wait is a job scheduled in the database, so a
// restart during a three-day delay resumes it on time. Its output is
// {resumeAt}.
type delay struct{}

// MaxDelay bounds one DELAY.
const MaxDelay = 366 * 24 * time.Hour

func (delay) Type() string { return "DELAY" }

func (delay) Validate(ctx context.Context, c *Check) error {
	t, err := c.Text("delayType", true)
	if err != nil {
		return err
	}
	switch t {
	case "DURATION":
		d, err := durationOf(c.Step.Settings.Input["duration"])
		if err != nil {
			return c.Errorf("duration", crm.CodeInvalidValue, "%v", err)
		}
		if d <= 0 || d > MaxDelay {
			return c.Errorf("duration", crm.CodeInvalidValue, "must be more than 0 and at most %d days", int(MaxDelay.Hours()/24))
		}
	case "SCHEDULED_DATE":
		s, err := c.Text("scheduledDateTime", true)
		if err != nil {
			return err
		}
		if !strings.Contains(s, "{{") {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				return c.Errorf("scheduledDateTime", crm.CodeInvalidValue, "%q is not an RFC 3339 date-time", s)
			}
		}
	default:
		return c.Errorf("delayType", crm.CodeInvalidEnum, "delayType must be DURATION or SCHEDULED_DATE, not %q", t)
	}
	return nil
}

// durationOf reads {days, hours, minutes, seconds}.
func durationOf(v any) (time.Duration, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return 0, fmt.Errorf("expected {days, hours, minutes, seconds}")
	}
	units := map[string]time.Duration{"days": 24 * time.Hour, "hours": time.Hour, "minutes": time.Minute, "seconds": time.Second}
	var d time.Duration
	for k, x := range m {
		unit, known := units[k]
		if !known {
			return 0, fmt.Errorf("unknown unit %q (days, hours, minutes, seconds)", k)
		}
		n, isNum := number(x)
		if !isNum || n < 0 || n > 1e6 {
			return 0, fmt.Errorf("%s must be a non-negative number", k)
		}
		d += time.Duration(n * float64(unit))
	}
	return d, nil
}

func (delay) OutputSchema(ctx context.Context, c *Check) (*Schema, error) {
	return Object(map[string]*Schema{"resumeAt": Scalar(TypeString)}), nil
}

func (delay) Execute(ctx context.Context, x *Exec) (*Result, error) {
	var at time.Time
	if prev, ok := x.Previous.(map[string]any); ok {
		if s, ok := prev["resumeAt"].(string); ok {
			at, _ = time.Parse(time.RFC3339Nano, s)
		}
	}
	if at.IsZero() {
		switch Text(x.Input["delayType"]) {
		case "SCHEDULED_DATE":
			t, err := time.Parse(time.RFC3339, Text(x.Input["scheduledDateTime"]))
			if err != nil {
				return nil, Permanent(fmt.Errorf("scheduledDateTime: %q is not an RFC 3339 date-time", Text(x.Input["scheduledDateTime"])))
			}
			at = t.UTC()
		default:
			d, err := durationOf(x.Input["duration"])
			if err != nil {
				return nil, Permanent(fmt.Errorf("duration: %w", err))
			}
			at = x.Now.Add(d)
		}
	}
	out := map[string]any{"resumeAt": at.UTC().Format(time.RFC3339Nano)}
	if at.After(x.Now) {
		return &Result{Output: out, WaitUntil: &at}, nil
	}
	return &Result{Output: out}, nil
}
