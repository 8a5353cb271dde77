package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/workflow"
)

// workflowRoutes are Automations: workflows, their builder, versions and
// runs. Everyone in the workspace reads them, runs them and stops runs;
// building, changing, activating and deleting a workflow is for admins (a
// workflow acts on every record, sends email and calls URLs in the
// workspace's name), as in the APIs: workflow.Authorize is the rule.
func (u *UI) workflowRoutes() []route {
	user, admin := u.requireUser, u.workflowChange
	return []route{
		{"GET /workflows", user(u.workflowsPage)},
		{"POST /workflows", admin(u.workflowCreate)},
		{"POST /workflows/from-template", admin(u.workflowFromTemplate)},
		{"GET /workflows/{id}", user(u.workflowShow)},
		{"GET /workflows/{id}/versions", user(u.workflowVersions)},
		{"GET /workflows/{id}/versions/{vid}", user(u.workflowVersionShow)},
		{"POST /workflows/{id}/versions/{vid}", admin(u.workflowSave)},
		{"POST /workflows/{id}/versions/{vid}/json", admin(u.workflowSaveJSON)},
		{"POST /workflows/{id}/versions/{vid}/activate", admin(u.workflowActivate)},
		{"POST /workflows/{id}/versions/{vid}/deactivate", admin(u.workflowDeactivate)},
		{"POST /workflows/{id}/versions/{vid}/draft", admin(u.workflowDraftFrom)},
		{"GET /workflows/{id}/versions/{vid}/test", user(u.workflowTestPage)},
		{"POST /workflows/{id}/versions/{vid}/test", user(u.workflowTestRun)},
		{"POST /workflows/{id}/run", user(u.workflowRunManual)},
		{"GET /workflows/{id}/runs", user(u.workflowRuns)},
		{"GET /workflows/{id}/runs/{runID}", user(u.workflowRunShow)},
		{"POST /workflows/{id}/runs/{runID}/stop", user(u.workflowRunStop)},
		{"GET /workflows/{id}/delete", admin(u.workflowDeleteConfirm)},
		{"POST /workflows/{id}/delete", admin(u.workflowDelete)},
	}
}

// workflowChange wraps an action that changes workflows.
func (u *UI) workflowChange(fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := workflow.Authorize(auth.PrincipalFrom(r.Context()), true); err != nil {
			return err
		}
		return fn(w, r)
	}
}

// canChangeWorkflows reports whether the signed-in person may change
// workflows (pages hide what they may not do; the actions check again).
func canChangeWorkflows(r *http.Request) bool {
	return workflow.Authorize(auth.PrincipalFrom(r.Context()), true) == nil
}
