package web

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/workflow"
)

// recordView is what the record page shows.
type recordView struct {
	Kind      string // "person"
	Label     string // "Person"
	Base      string // "/people"
	ID        string
	Name      string
	Href      string
	DeletedAt *time.Time
	Rows      []*recordRow
	FormError string // an update error no input could carry
	Whop      *recordWhopBadge
	Stage     string // opportunities: the current stage, for the move form
	Stages    []string

	Membership     []recordMembershipEvent
	ShowMembership bool
	Summary        *recordSummary // synced people: the customer at a glance

	Activity   []recordActivity
	MoreBefore string // cursor of the next page of activity
	Paged      bool   // showing an older page of activity

	Notes    []recordNote
	Tasks    []recordTask
	NoteForm recordNoteForm
	TaskForm recordTaskForm
	Statuses []string

	Related []relatedList

	// Workflows are the active MANUAL workflows this record can be run
	// through (the "Run workflow" menu).
	Workflows []workflow.ManualWorkflow
	// ContractsOn offers "Send contract" (people and opportunities).
	ContractsOn bool
	// AI shows the AI menu (Summarize notes, Score lead, Draft email).
	AI bool
}

// loadRecord reads everything the record page shows. before pages the
// activity timeline back in time.
func (u *UI) loadRecord(ctx context.Context, p *auth.Principal, k recordKind, id, before string) (*recordView, crm.Record, error) {
	ws := p.WorkspaceID
	schema, err := u.cfg.Records.Schema(ctx, ws, k.o)
	if err != nil {
		return nil, nil, err
	}
	rec, err := u.cfg.Records.Get(ctx, ws, k.o, id)
	if err != nil {
		return nil, nil, err
	}
	refs, err := u.recordRefs(ctx, ws, rec)
	if err != nil {
		return nil, nil, err
	}
	v := &recordView{Kind: k.noun, Label: k.o.Label, Base: k.base, ID: rec.Meta().ID, Name: recordName(rec),
		Href: k.href(rec.Meta().ID), DeletedAt: rec.Meta().DeletedAt, Stages: crm.DefaultStages, Statuses: crm.TaskStatuses}
	v.ContractsOn = u.cfg.Contracts != nil
	v.Rows = (&recordRowBuilder{schema: schema, rec: rec, refs: refs}).rows()
	focusEditing(v.Rows) // hints
	v.Whop = recordWhopBadgeFor(rec)
	if o, ok := rec.(*crm.Opportunity); ok {
		v.Stage = o.Stage
	}
	v.Paged = before != ""
	if err := u.loadActivity(ctx, ws, k, v, before); err != nil {
		return nil, nil, err
	}
	if err := u.loadMembership(ctx, ws, rec, v); err != nil {
		return nil, nil, err
	}
	if v.ShowMembership {
		// Payments are lines of the membership timeline: not twice.
		v.Activity = slices.DeleteFunc(v.Activity, func(a recordActivity) bool { return a.payment })
	}
	if err := u.loadNotesTasks(ctx, ws, k, v); err != nil {
		return nil, nil, err
	}
	if err := u.loadRelated(ctx, ws, rec, v); err != nil {
		return nil, nil, err
	}
	if u.cfg.Workflows != nil && v.DeletedAt == nil {
		if v.Workflows, err = u.cfg.Workflows.ManualWorkflows(ctx, ws, string(k.o.Name)); err != nil {
			return nil, nil, err
		}
	}
	v.AI = u.cfg.AI != nil && v.DeletedAt == nil
	v.TaskForm.Status = "TODO"
	return v, rec, nil
}

// recordShow is a record page. At .../edit?field=KEY the field's row shows
// its edit form in place (no JavaScript needed).
func (u *UI) recordShow(k recordKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := auth.PrincipalFrom(r.Context())
		v, _, err := u.loadRecord(r.Context(), p, k, r.PathValue("id"), r.URL.Query().Get("before"))
		if err != nil {
			return err
		}
		if key := r.URL.Query().Get("field"); key != "" || isRecordEditPath(r) {
			for _, row := range v.Rows {
				if row.Editable && v.DeletedAt == nil && (key == "" || row.Key == key) {
					row.Editing = true
				}
			}
			focusEditing(v.Rows)
		}
		return u.render(w, r, "record_show", v.Name, v)
	}
}

// focusEditing moves keyboard focus into the form when exactly one row is
// being edited, and hangs each row's hint on its first input.
func focusEditing(rows []*recordRow) {
	var editing []*recordRow
	for _, row := range rows {
		if row.Hint != "" && len(row.Inputs) > 0 {
			row.Inputs[0].Hint = row.Hint
		}
		if row.Editing {
			editing = append(editing, row)
		}
	}
	if len(editing) == 1 && len(editing[0].Inputs) > 0 {
		editing[0].Inputs[0].Autofocus = true
	}
}

func isRecordEditPath(r *http.Request) bool {
	p := r.URL.Path
	return len(p) > 5 && p[len(p)-5:] == "/edit"
}

// renderRecordStatus renders a page with a status other than 200 (a form with
// validation errors is 400).
func (u *UI) renderRecordStatus(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if _, err := r.Cookie(flashCookie); err == nil { // headers must be final before the status
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: u.secure, SameSite: http.SameSiteLaxMode})
	}
	w.WriteHeader(status)
	return u.render(w, r, name, title, data)
}
