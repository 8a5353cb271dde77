package web

import (
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
)

// taskCreate adds a task (title, due date, status) to a record.
func (u *UI) taskCreate(k recordKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.PrincipalFrom(ctx)
		id := r.PathValue("id")
		f := recordTaskForm{Title: strings.TrimSpace(r.PostFormValue("title")), Due: strings.TrimSpace(r.PostFormValue("due")), Status: r.PostFormValue("status")}
		if _, err := u.cfg.Records.Get(ctx, p.WorkspaceID, k.o, id); err != nil {
			return err
		}
		fail := func(field, msg string) error {
			f.Error, f.ErrorField = msg, field
			return u.recordFormError(w, r, k, id, func(v *recordView) { v.TaskForm = f })
		}
		if f.Title == "" {
			return fail("title", "Give the task a title.")
		}
		if f.Status == "" {
			f.Status = "TODO"
		}
		in := crm.Input{"title": f.Title, "status": f.Status}
		if f.Due != "" {
			t, err := parseFormDate(f.Due)
			if err != nil {
				return fail("due", "Enter the due date as YYYY-MM-DD.")
			}
			in["dueAt"] = t
		}
		if _, err := u.createLinked(ctx, p, crm.TaskObject, in, k, id); err != nil {
			e, ok := crm.AsError(err)
			if !ok || !isFormError(e) {
				return err
			}
			field := map[string]string{"dueAt": "due", "status": "status"}[e.Field]
			if field == "" {
				field = "title"
			}
			return fail(field, e.Message)
		}
		return u.redirect(w, r, k.href(id)+"#tasks", "Task added.")
	}
}
