package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
)

// auditPageSize is how many entries a page of the log shows.
const auditPageSize = 50

type auditLogData struct {
	Rows    []auditRow
	Actions []auditOption
	Actors  []auditOption
	// Action and Actor are the filters applied; Filtered says any is.
	Action, Actor string
	Filtered      bool
	// Older is the next page's URL; Newest the first page's, when this one
	// is not it.
	Older, Newest string
	Retention     int
}

type auditOption struct {
	Value, Label string
}

type auditRow struct {
	At        time.Time
	Ago       string
	Actor     string
	ActorKind string // "API key", "Roster", or "" for a member
	Action    string
	Label     string
	Target    string
	Details   []auditDetail
	IP        string
	UserAgent string
}

type auditDetail struct{ Key, Value string }

// auditLog shows Settings -> Audit log (admins): the workspace's entries,
// newest first, filtered by action and actor, a page at a time.
func (u *UI) auditLog(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	q := r.URL.Query()
	d := auditLogData{Action: q.Get("action"), Actor: q.Get("actor"), Retention: int(audit.Retention.Hours() / 24)}
	f := audit.Filter{ActorID: d.Actor}
	if d.Action != "" {
		f.Actions = []audit.Action{audit.Action(d.Action)}
	}
	d.Filtered = d.Action != "" || d.Actor != ""
	pg, err := u.cfg.Audit.List(ctx, p.WorkspaceID, audit.ListParams{Filter: f, First: auditPageSize, After: q.Get("after")})
	if err != nil {
		return err
	}
	actors, err := u.cfg.Audit.Actors(ctx, p.WorkspaceID)
	if err != nil {
		return err
	}
	for _, a := range audit.Actions() {
		d.Actions = append(d.Actions, auditOption{Value: string(a), Label: a.Label()})
	}
	for _, a := range actors {
		d.Actors = append(d.Actors, auditOption{Value: a.ID, Label: a.Name + auditKindSuffix(a.Kind)})
	}
	now := u.cfg.Now()
	for _, e := range pg.Events {
		d.Rows = append(d.Rows, auditRowOf(e, now))
	}
	page := func(after string) string {
		v := url.Values{}
		for _, kv := range [][2]string{{"action", d.Action}, {"actor", d.Actor}, {"after", after}} {
			if kv[1] != "" {
				v.Set(kv[0], kv[1])
			}
		}
		if len(v) == 0 {
			return "/settings/audit-log"
		}
		return "/settings/audit-log?" + v.Encode()
	}
	if pg.HasNextPage && len(pg.Cursors) > 0 {
		d.Older = page(pg.Cursors[len(pg.Cursors)-1])
	}
	if q.Get("after") != "" {
		d.Newest = page("")
	}
	return u.render(w, r, "audit_log", "Audit log · Settings", d)
}

func auditKindSuffix(k audit.ActorKind) string {
	switch k {
	case audit.ActorAPIKey:
		return " (API key)"
	case audit.ActorSystem:
		return " (Roster)"
	}
	return ""
}

func auditRowOf(e *audit.Event, now time.Time) auditRow {
	row := auditRow{At: e.At, Ago: ago(now, e.At), Actor: e.Actor.Name, Action: string(e.Action), Label: e.Action.Label(),
		Target: e.Target.Label, IP: e.IP, UserAgent: e.UserAgent}
	switch e.Actor.Kind {
	case audit.ActorAPIKey:
		row.ActorKind = "API key"
	case audit.ActorSystem:
		row.ActorKind = "Roster"
	}
	keys := make([]string, 0, len(e.Details))
	for k := range e.Details {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		row.Details = append(row.Details, auditDetail{Key: k, Value: detailText(e.Details[k])})
	}
	return row
}

// maxDetailText bounds one detail's text on the page; the API has it whole.
const maxDetailText = 200

// detailText writes a details value as text: strings as they are, anything
// else as JSON.
func detailText(v any) string {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case nil:
		s = "none"
	default:
		b, err := json.Marshal(x)
		if err != nil {
			b = []byte(fmt.Sprint(x))
		}
		s = string(b)
	}
	if r := []rune(s); len(r) > maxDetailText {
		s = string(r[:maxDetailText]) + "…"
	}
	return s
}

// ago says how long before now t was, in the largest whole unit ("3 hours
// ago"); the page shows the exact time beside it.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	unit := func(n int, one string) string {
		if n == 1 {
			return "1 " + one + " ago"
		}
		return fmt.Sprintf("%d %ss ago", n, one)
	}
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return unit(int(d/time.Minute), "minute")
	case d < 24*time.Hour:
		return unit(int(d/time.Hour), "hour")
	case d < 30*24*time.Hour:
		return unit(int(d/(24*time.Hour)), "day")
	case d < 365*24*time.Hour:
		return unit(int(d/(30*24*time.Hour)), "month")
	}
	return unit(int(d/(365*24*time.Hour)), "year")
}
