package web

import (
	"context"
	"sort"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// recordNote is a note linked to the record; its body is markdown shown as
// plain text (escaped, line breaks kept by CSS).
type recordNote struct {
	ID, Title, Body string
	CreatedAt       time.Time
	Author          string
}

// recordTask is a task linked to the record.
type recordTask struct {
	ID, Title, Status string
	DueAt             *time.Time
	DueISO            string
	Done, Overdue     bool
}

// recordNoteForm and recordTaskForm keep what was typed when the form comes back with
// an error.
type recordNoteForm struct {
	Title, Body string
	Error       string
	ErrorField  string // "title" or "body"
}

type recordTaskForm struct {
	Title, Due, Status string
	Error              string
	ErrorField         string // "title", "due" or "status"
}

// loadNotesTasks lists the notes and tasks linked to the record: notes
// newest first, tasks open first then by due date.
func (u *UI) loadNotesTasks(ctx context.Context, ws string, k recordKind, v *recordView) error {
	notes, err := u.linkedRecords(ctx, ws, crm.NoteObject, k, v.ID)
	if err != nil {
		return err
	}
	for _, r := range notes {
		n := r.(*crm.Note)
		v.Notes = append(v.Notes, recordNote{ID: n.ID, Title: n.Title, Body: n.BodyV2.Markdown, CreatedAt: n.CreatedAt, Author: n.CreatedBy.Name})
	}
	sort.SliceStable(v.Notes, func(i, j int) bool { return v.Notes[i].CreatedAt.After(v.Notes[j].CreatedAt) })
	tasks, err := u.linkedRecords(ctx, ws, crm.TaskObject, k, v.ID)
	if err != nil {
		return err
	}
	now := u.cfg.Now()
	for _, r := range tasks {
		t := r.(*crm.Task)
		tv := recordTask{ID: t.ID, Title: t.Title, Status: t.Status, DueAt: t.DueAt, Done: t.Status == "DONE"}
		if t.DueAt != nil {
			tv.DueISO = t.DueAt.UTC().Format(time.RFC3339)
			tv.Overdue = !tv.Done && t.DueAt.Before(now)
		}
		v.Tasks = append(v.Tasks, tv)
	}
	sort.SliceStable(v.Tasks, func(i, j int) bool {
		a, b := v.Tasks[i], v.Tasks[j]
		if a.Done != b.Done {
			return !a.Done
		}
		if (a.DueAt == nil) != (b.DueAt == nil) {
			return a.DueAt != nil
		}
		return a.DueAt != nil && a.DueAt.Before(*b.DueAt)
	})
	return nil
}

// linked returns the live notes or tasks linked to a record.
func (u *UI) linkedRecords(ctx context.Context, ws string, parent *crm.Object, k recordKind, id string) ([]crm.Record, error) {
	return u.cfg.Records.Linked(ctx, ws, parent, k.o.Name, id)
}
