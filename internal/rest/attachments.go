package rest

import (
	"net/http"
	"strconv"
)

// attachmentDownload serves GET /rest/attachments/{id}: a stored file (a
// contract's original or signed PDF) to a caller of its workspace.
func (h *handler) attachmentDownload(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.contractsFor(r)
	if err != nil {
		return err
	}
	a, err := svc.Attachment(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", a.FileType)
	hd.Set("Content-Length", strconv.Itoa(len(a.Content)))
	hd.Set("Content-Disposition", `attachment; filename="`+a.Name+`"`)
	hd.Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(a.Content)
	return err
}
