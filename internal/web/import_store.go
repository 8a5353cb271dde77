package web

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
)

// The import keeps an uploaded CSV between its steps (upload, mapping,
// preview, import) in the OS temp directory, never in a hidden field: under
// <tmp>/roster-import, <id>.csv is the file as uploaded, <id>.json its
// importJob, <id>.errors.csv the error report once imported. The ID is 128
// random bits; a job is bound to the user and workspace that uploaded it,
// and anyone else gets a 404. Jobs older than importTTL are swept on every
// upload. With several replicas, an import needs a sticky session (or a
// shared temp directory); see the report to the lead.

// importTTL is how long an upload is kept.
const importTTL = 24 * time.Hour

// importJob is an import's state between steps.
type importJob struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspaceId"`
	UserID      string    `json:"userId"`
	Object      string    `json:"object"` // "person" or "company"
	Filename    string    `json:"filename"`
	CreatedAt   time.Time `json:"createdAt"`
	// Mapping has one field path per CSV column ("" skips the column).
	Mapping []string `json:"mapping"`
	// Result is set once imported.
	Result *importResult `json:"result,omitempty"`
}

// importResult is what the import did.
type importResult struct {
	Rows, Created, Updated, Unchanged, Skipped int
}

var importIDRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

func importDir() string { return filepath.Join(os.TempDir(), "roster-import") }

func importPath(id, suffix string) string { return filepath.Join(importDir(), id+suffix) }

// importSave stores a new upload and returns its job.
func importSave(p *auth.Principal, object, filename string, data io.Reader, now time.Time) (*importJob, error) {
	if err := os.MkdirAll(importDir(), 0o700); err != nil {
		return nil, fmt.Errorf("web: import dir: %w", err)
	}
	importSweep(now)
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	job := &importJob{ID: hex.EncodeToString(b), WorkspaceID: p.WorkspaceID, Object: object, Filename: filepath.Base(filename), CreatedAt: now}
	if p.UserID != nil {
		job.UserID = *p.UserID
	}
	f, err := os.OpenFile(importPath(job.ID, ".csv"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("web: save import: %w", err)
	}
	if _, err := io.Copy(f, data); err != nil {
		f.Close()
		return nil, fmt.Errorf("web: save import: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("web: save import: %w", err)
	}
	return job, importWrite(job)
}

// importWrite saves a job's state.
func importWrite(job *importJob) error {
	b, err := json.Marshal(job)
	if err != nil {
		return err
	}
	tmp := importPath(job.ID, ".json.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("web: save import state: %w", err)
	}
	return os.Rename(tmp, importPath(job.ID, ".json"))
}

// importLoad returns the caller's job, or a 404 for an unknown, expired or
// someone else's ID.
func importLoad(p *auth.Principal, id string, now time.Time) (*importJob, error) {
	notFound := &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "This import is gone (imports are kept for a day). Upload the file again."}
	if !importIDRE.MatchString(id) {
		return nil, notFound
	}
	b, err := os.ReadFile(importPath(id, ".json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("web: load import: %w", err)
	}
	job := &importJob{}
	if err := json.Unmarshal(b, job); err != nil {
		return nil, fmt.Errorf("web: load import: %w", err)
	}
	if job.WorkspaceID != p.WorkspaceID || p.UserID == nil || job.UserID != *p.UserID || now.Sub(job.CreatedAt) > importTTL {
		return nil, notFound
	}
	return job, nil
}

// importDelete removes a refused upload at once.
func importDelete(id string) {
	for _, suffix := range []string{".csv", ".json"} {
		os.Remove(importPath(id, suffix))
	}
}

// importSweep deletes uploads older than importTTL.
func importSweep(now time.Time) {
	entries, err := os.ReadDir(importDir())
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > importTTL {
			os.Remove(filepath.Join(importDir(), e.Name()))
		}
	}
}
