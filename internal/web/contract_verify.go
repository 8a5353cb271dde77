package web

import (
	"io"
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
)

// maxVerifyPDF bounds an uploaded PDF.
const maxVerifyPDF = 20 << 20

// contractVerifyPage is the public form that checks a signed PDF.
func (u *UI) contractVerifyPage(w http.ResponseWriter, r *http.Request) error {
	return u.render(w, r, "contract_verify", "Verify a signed contract", map[string]any{})
}

// contractVerify checks an uploaded PDF's seal and whether Roster sealed
// exactly this file (in the signed-in member's workspace, or in any when
// nobody is signed in).
func (u *UI) contractVerify(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxVerifyPDF+1<<20)
	f, _, err := r.FormFile("file")
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return u.render(w, r, "contract_verify", "Verify a signed contract", map[string]any{"Error": "Choose a PDF file to check (at most 20 MB)."})
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxVerifyPDF+1))
	if err != nil {
		return err
	}
	if len(b) > maxVerifyPDF {
		return crm.Invalid("file", crm.CodeInvalidValue, "the file is larger than 20 MB")
	}
	ws := ""
	if p := auth.PrincipalFrom(r.Context()); p != nil {
		ws = p.WorkspaceID
	}
	v, err := u.cfg.Contracts.VerifyPDF(r.Context(), ws, b)
	if err != nil {
		return err
	}
	return u.render(w, r, "contract_verify", "Verify a signed contract", map[string]any{"Result": v, "Checked": true,
		"Good": v.Valid && v.Known})
}
