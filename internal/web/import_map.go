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
	// Streamed: only the first non-empty value of each column is kept.
	var samples []string
	rows := 0
	headers, err := importScan(job, func(_ int, rec []string) {
		rows++
		samples = append(samples, make([]string, max(0, len(rec)-len(samples)))...)
		for i, v := range rec {
			if samples[i] == "" {
				samples[i] = v
			}
		}
	})
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
		if i < len(samples) {
			cols[i].Sample = samples[i]
		}
	}
	return u.render(w, r, "import_map", "Map columns", map[string]any{
		"Job": job, "Columns": cols, "Fields": importFields[job.Object], "Rows": rows,
	})
}

// importMapSave keeps the chosen mapping and shows the preview.
func (u *UI) importMapSave(w http.ResponseWriter, r *http.Request) error {
	job, err := importLoad(auth.PrincipalFrom(r.Context()), r.PathValue("id"), u.cfg.Now())
	if err != nil {
		return err
	}
	headers, err := importScan(job, func(int, []string) {})
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
