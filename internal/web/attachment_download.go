package web

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
)

// attachmentDownload serves a stored file to a member of its workspace
// (another workspace's file is simply not found).
func (u *UI) attachmentDownload(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	a, err := u.cfg.Contracts.Attachment(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return sendFile(w, a.Name, a.FileType, a.Content)
}
