package web

// recordRoutes lists the record area's pages and actions: the record pages
// of people, companies and opportunities (show, edit in place, delete and
// restore, notes and tasks) and the opportunity pipeline.
func (u *UI) recordRoutes() []route {
	var rs []route
	for _, k := range recordKinds() {
		b := k.base
		rs = append(rs,
			route{"GET " + b + "/new", u.requireUser(u.recordNew(k))},
			route{"POST " + b + "/new", u.requireUser(u.recordCreate(k))},
			route{"GET " + b + "/{id}", u.requireUser(u.recordShow(k))},
			route{"GET " + b + "/{id}/edit", u.requireUser(u.recordShow(k))},
			route{"POST " + b + "/{id}", u.requireUser(u.recordUpdate(k))},
			route{"GET " + b + "/{id}/delete", u.requireUser(u.recordDeleteConfirm(k))},
			route{"POST " + b + "/{id}/delete", u.requireUser(u.recordDelete(k))},
			route{"POST " + b + "/{id}/restore", u.requireUser(u.recordRestore(k))},
			route{"POST " + b + "/{id}/notes", u.requireUser(u.noteCreate(k))},
			route{"POST " + b + "/{id}/tasks", u.requireUser(u.taskCreate(k))},
			route{"POST " + b + "/{id}/tasks/{task}/done", u.requireUser(u.taskDone(k))},
			route{"POST " + b + "/{id}/ai/summary", u.requireUser(u.recordAI(k, "summary"))},
			route{"POST " + b + "/{id}/ai/score", u.requireUser(u.recordAI(k, "score"))},
			route{"POST " + b + "/{id}/ai/draft", u.requireUser(u.recordAI(k, "draft"))},
		)
	}
	return append(rs,
		route{"POST /opportunities/{id}/stage", u.requireUser(u.opportunityStage)},
		route{"GET /pipeline", u.requireUser(u.pipeline)},
	)
}
