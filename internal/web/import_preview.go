package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
)

// importPreviewLimit caps the errors listed on the preview; the error report
// after the import has them all.
const importPreviewLimit = 200

// importPreview is step 3: what would be imported and which rows fail, with
// nothing written yet.
func (u *UI) importPreview(w http.ResponseWriter, r *http.Request) error {
	job, err := importLoad(auth.PrincipalFrom(r.Context()), r.PathValue("id"), u.cfg.Now())
	if err != nil {
		return err
	}
	headers, rows, err := importRead(job)
	if err != nil {
		return err
	}
	ok, bad, err := u.importValidate(r.Context(), job, headers, rows)
	if err != nil {
		return err
	}
	mapped := 0
	for _, m := range job.Mapping {
		if m != "" {
			mapped++
		}
	}
	shown := bad
	if len(shown) > importPreviewLimit {
		shown = shown[:importPreviewLimit]
	}
	return u.render(w, r, "import_preview", "Preview import", map[string]any{
		"Job": job, "Headers": headers, "Valid": len(ok), "Invalid": importBadRows(bad), "Errors": shown,
		"MoreErrors": len(bad) - len(shown), "Mapped": mapped,
	})
}

// importBadRows counts the rows with at least one error.
func importBadRows(bad []importRowError) int {
	rows := map[int]bool{}
	for _, e := range bad {
		rows[e.Row] = true
	}
	return len(rows)
}
