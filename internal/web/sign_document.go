package web

import (
	"net/http"
	"strconv"
)

// signDocument lets the signer download the PDF they are asked to sign.
func (u *UI) signDocument(w http.ResponseWriter, r *http.Request) error {
	a, err := u.cfg.Contracts.Document(r.Context(), r.PathValue("token"))
	if err != nil {
		return u.signClosed(w, r, err)
	}
	return sendFile(w, a.Name, a.FileType, a.Content)
}

// sendFile answers with a stored file as a download.
func sendFile(w http.ResponseWriter, name, fileType string, content []byte) error {
	h := w.Header()
	h.Set("Content-Type", fileType)
	h.Set("Content-Length", strconv.Itoa(len(content)))
	h.Set("Content-Disposition", `attachment; filename="`+safeFileName(name)+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write(content)
	return err
}

// safeFileName keeps a download name to characters every header parser
// takes.
func safeFileName(name string) string {
	b := []byte(name)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}
