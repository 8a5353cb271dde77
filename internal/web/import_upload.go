package web

import (
	"fmt"
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
)

// MaxUploadBytes caps an uploaded CSV.
const MaxUploadBytes = 5 << 20

// importForm is the upload step's template data.
type importForm struct {
	Object string
	Error  string
}

// importPage is step 1: choose people or companies and a CSV file.
func (u *UI) importPage(w http.ResponseWriter, r *http.Request) error {
	return u.render(w, r, "import", "Import CSV", importForm{Object: r.URL.Query().Get("object")})
}

// importUpload stores the file server-side and goes on to the mapping.
func (u *UI) importUpload(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	object := r.FormValue("object")
	if object != "company" {
		object = "person"
	}
	fail := func(status int, msg string) error {
		w.WriteHeader(status)
		return u.render(w, r, "import", "Import CSV", importForm{Object: object, Error: msg})
	}
	if r.ContentLength > MaxUploadBytes+64<<10 {
		return fail(http.StatusRequestEntityTooLarge, fmt.Sprintf("The file is larger than %d MiB. Split it into smaller files.", MaxUploadBytes>>20))
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxUploadBytes+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if r.MultipartForm == nil {
			return fail(http.StatusBadRequest, "Choose a CSV file to upload.")
		}
	}
	file, fh, err := r.FormFile("file")
	if err != nil {
		return fail(http.StatusBadRequest, "Choose a CSV file to upload.")
	}
	defer file.Close()
	if fh.Size > MaxUploadBytes {
		return fail(http.StatusRequestEntityTooLarge, fmt.Sprintf("The file is larger than %d MiB. Split it into smaller files.", MaxUploadBytes>>20))
	}
	job, err := importSave(p, object, fh.Filename, file, u.cfg.Now())
	if err != nil {
		return err
	}
	headers, err := importScan(job, func(int, []string) {})
	if err != nil {
		importDelete(job.ID)
		return fail(http.StatusBadRequest, err.Error())
	}
	job.Mapping = importGuess(object, headers)
	if err := importWrite(job); err != nil {
		return err
	}
	return u.redirect(w, r, "/import/"+job.ID+"/map", "")
}
