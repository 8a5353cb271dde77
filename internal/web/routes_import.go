package web

// importRoutes lists the import area's pages and actions: upload, map
// columns, preview, import, result and error report. Members may import
// (it is ordinary CRM data entry).
func (u *UI) importRoutes() []route {
	return []route{
		{"GET /import", u.requireUser(u.importPage)},
		{"POST /import", u.requireUser(u.importUpload)},
		{"GET /import/{id}/map", u.requireUser(u.importMapPage)},
		{"POST /import/{id}/map", u.requireUser(u.importMapSave)},
		{"GET /import/{id}/preview", u.requireUser(u.importPreview)},
		{"POST /import/{id}/run", u.requireUser(u.importRun)},
		{"GET /import/{id}/done", u.requireUser(u.importDone)},
		{"GET /import/{id}/errors.csv", u.requireUser(u.importErrors)},
	}
}
