package web

import "github.com/roster-crm/roster/internal/crm"

// tables are the object tables, in navigation order.
var tables = []*tableSpec{peopleTable, companiesTable, opportunitiesTable}

// tableForObject finds the table of an object, or returns def.
func tableForObject(o crm.ObjectName, def *tableSpec) *tableSpec {
	for _, t := range tables {
		if t.obj.Name == o {
			return t
		}
	}
	return def
}

// tableRoutes lists the table area's pages and actions: per object, the
// table, its CSV export and its saved views.
func (u *UI) tableRoutes() []route {
	var rs []route
	for _, t := range tables {
		rs = append(rs,
			route{"GET " + t.path, u.tableList(t)},
			route{"GET " + t.path + "/export.csv", u.tableExport(t)},
			route{"POST " + t.path + "/views", u.viewSave(t)},
			route{"POST " + t.path + "/views/{id}/delete", u.viewDelete(t)},
		)
	}
	return rs
}
