package web

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// recordActivityPage is how many timeline entries a record page shows at once.
const recordActivityPage = 20

// recordActivity is one line of the activity timeline, in words.
type recordActivity struct {
	At      time.Time
	Text    string
	Actor   string
	Details []string
	Href    string // the linked record, when there is one
	payment bool   // a Whop payment outcome, shown in the membership timeline
}

// loadActivity reads one page of the record's timeline, newest first.
// before is the ID of the last entry already shown ("Load more").
func (u *UI) loadActivity(ctx context.Context, ws string, k recordKind, v *recordView, before string) error {
	acts, err := u.cfg.Records.Timeline(ctx, ws, k.o, v.ID, before, recordActivityPage+1)
	if err != nil {
		return err
	}
	if len(acts) > recordActivityPage {
		acts = acts[:recordActivityPage]
		v.MoreBefore = acts[len(acts)-1].ID
	}
	titles, err := u.linkedTitles(ctx, ws, acts)
	if err != nil {
		return err
	}
	for _, a := range acts {
		v.Activity = append(v.Activity, describeActivity(a, v.ID, titles))
	}
	return nil
}

// linkedTitles names the notes and tasks the activities link to.
func (u *UI) linkedTitles(ctx context.Context, ws string, acts []*crm.TimelineActivity) (map[string]string, error) {
	ids := map[crm.ObjectName][]string{}
	for _, a := range acts {
		if a.LinkedRecordID != nil && (a.LinkedRecordObject == crm.ObjectNote || a.LinkedRecordObject == crm.ObjectTask) {
			ids[a.LinkedRecordObject] = append(ids[a.LinkedRecordObject], *a.LinkedRecordID)
		}
	}
	out := map[string]string{}
	for name, list := range ids {
		o, _ := crm.ObjectByName(string(name))
		got, err := u.cfg.Records.GetMany(ctx, ws, o, list)
		if err != nil {
			return nil, err
		}
		for id, r := range got {
			out[id] = recordName(r)
		}
	}
	return out, nil
}

// describeActivity puts a timeline entry in words.
func describeActivity(a *crm.TimelineActivity, recordID string, titles map[string]string) recordActivity {
	it := recordActivity{At: a.HappensAt, Actor: a.Actor.Name, payment: strings.HasPrefix(a.Name, "payment.")}
	obj, kind, _ := strings.Cut(a.Name, ".")
	label := "Record"
	if o, ok := crm.ObjectByName(obj); ok {
		label = o.Label
	}
	text, _ := a.Properties["text"].(string)
	switch {
	case obj == "payment":
		it.Text = text
		if it.Text == "" {
			it.Text = "Payment " + kind
		}
	case kind == "linked":
		title := ""
		if a.LinkedRecordID != nil {
			title = titles[*a.LinkedRecordID]
		}
		it.Text = label + " added"
		if title != "" {
			it.Text += ": " + title
		}
	case kind == crm.EventCreated:
		it.Text = label + " created"
	case kind == crm.EventUpdated:
		diff := activityDiff(a)
		names := make([]string, 0, len(diff))
		for _, f := range activityDiffKeys(diff) {
			names = append(names, fieldWords(f))
			it.Details = append(it.Details, diffChangeText(f, diff[f]))
		}
		it.Text = "Changed " + listWords(names)
	case kind == crm.EventDeleted:
		it.Text = label + " deleted"
	case kind == crm.EventRestored:
		it.Text = label + " restored"
	default:
		it.Text = text
		if it.Text == "" {
			it.Text = a.Name
		}
	}
	if a.RecordID != recordID && obj != "payment" && a.RecordObject != "" {
		it.Text += " (on a linked " + strings.ToLower(string(a.RecordObject)) + ")"
	}
	return it
}

// activityDiff reads properties.diff as stored: {field: {before, after}}.
func activityDiff(a *crm.TimelineActivity) map[string]map[string]any {
	out := map[string]map[string]any{}
	d, _ := a.Properties["diff"].(map[string]any)
	for k, v := range d {
		if c, ok := v.(map[string]any); ok {
			out[k] = c
		}
	}
	return out
}

func activityDiffKeys(d map[string]map[string]any) []string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// diffChangeText is "City: Paris → Lyon", with long or structured values cut.
func diffChangeText(field string, c map[string]any) string {
	return fmt.Sprintf("%s: %s → %s", fieldWords(field), diffValueText(c["before"]), diffValueText(c["after"]))
}

func diffValueText(v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		return "(empty)"
	case string:
		if x == "" {
			return "(empty)"
		}
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return recordTimeText(t)
		}
		s = x
	case bool:
		s = map[bool]string{true: "yes", false: "no"}[x]
	case float64:
		s = fmt.Sprint(x)
	case []any:
		parts := make([]string, 0, len(x))
		for _, p := range x {
			parts = append(parts, fmt.Sprint(p))
		}
		s = strings.Join(parts, ", ")
	default:
		s = fmt.Sprint(x)
	}
	if r := []rune(s); len(r) > 80 {
		s = string(r[:77]) + "…"
	}
	return "“" + s + "”"
}

func listWords(list []string) string {
	switch len(list) {
	case 0:
		return "nothing"
	case 1:
		return list[0]
	}
	return strings.Join(list[:len(list)-1], ", ") + " and " + list[len(list)-1]
}
