package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// taskDone marks a task of the record done. The task must be linked to the
// record, so a form cannot reach tasks elsewhere through this page.
func (u *UI) taskDone(k recordKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.PrincipalFrom(ctx)
		id, taskID := r.PathValue("id"), r.PathValue("task")
		tasks, err := u.linkedRecords(ctx, p.WorkspaceID, crm.TaskObject, k, id)
		if err != nil {
			return err
		}
		var task *crm.Task
		for _, t := range tasks {
			if t.Meta().ID == taskID {
				task = t.(*crm.Task)
			}
		}
		if task == nil {
			return crm.NotFound(crm.ObjectTask, taskID)
		}
		if _, err := u.cfg.Records.Update(ctx, records.UpdateParams{WorkspaceID: p.WorkspaceID, Object: crm.TaskObject, Actor: p.Actor(), ID: taskID,
			Input: crm.Input{"status": "DONE"}}); err != nil {
			return err
		}
		return u.redirect(w, r, k.href(id)+"#tasks", "Task "+flashText(recordName(task))+" marked done.")
	}
}
