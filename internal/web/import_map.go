package web

import (
	"fmt"
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
)

// importColumn is one CSV column on the mapping step.
type importColumn struct {
	Index   int
	Header  string
	Sample  string
	Current string
}

// importMapPage is step 2: each CSV column -> a field (pre-guessed from the
// header names).
func (u *UI) importMapPage(w http.ResponseWriter, r *http.Request) error {
	job, err := importLoad(auth.PrincipalFrom(r.Context()), r.PathValue("id"), u.cfg.Now())
	if err != nil {
		return err
	}
	headers, rows, err := importRead(job)
	if err != nil {
		return err
	}
	cols := make([]importColumn, len(headers))
	for i, h := range headers {
		cols[i] = importColumn{Index: i, Header: h}
		if h == "" {
			cols[i].Header = fmt.Sprintf("Column %d", i+1)
		}
		if i < len(job.Mapping) {
			cols[i].Current = job.Mapping[i]
		}
		for _, row := range rows {
			if i < len(row) && row[i] != "" {
				cols[i].Sample = row[i]
				break
			}
		}
	}
	return u.render(w, r, "import_map", "Map columns", map[string]any{
		"Job": job, "Columns": cols, "Fields": importFields[job.Object], "Rows": len(rows),
	})
}

// importMapSave keeps the chosen mapping and shows the preview.
func (u *UI) importMapSave(w http.ResponseWriter, r *http.Request) error {
	job, err := importLoad(auth.PrincipalFrom(r.Context()), r.PathValue("id"), u.cfg.Now())
	if err != nil {
		return err
	}
	headers, _, err := importRead(job)
	if err != nil {
		return err
	}
	known := map[string]bool{"": true}
	for _, f := range importFields[job.Object] {
		known[f.Path] = true
	}
	job.Mapping = make([]string, len(headers))
	for i := range headers {
		v := r.PostFormValue(fmt.Sprintf("map_%d", i))
		if known[v] {
			job.Mapping[i] = v
		}
	}
	if err := importWrite(job); err != nil {
		return err
	}
	return u.redirect(w, r, "/import/"+job.ID+"/preview", "")
}
