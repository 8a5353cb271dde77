package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// Attachment is a file kept in the database (Twenty's attachment object),
// so every replica serves it. Its targets say which records it belongs to.
type Attachment struct {
	ID            string
	WorkspaceID   string
	Name          string
	FileType      string
	Size          int64
	SHA256        string
	Content       []byte
	PersonID      *string
	CompanyID     *string
	OpportunityID *string
	ContractID    *string
	CreatedAt     time.Time
}

const attachmentMeta = `id, workspace_id, name, file_type, size, sha256, person_id, company_id, opportunity_id, contract_id, created_at`

func scanAttachment(sc rowScanner, content bool) (*Attachment, error) {
	a := &Attachment{}
	dst := []any{&a.ID, &a.WorkspaceID, &a.Name, &a.FileType, &a.Size, &a.SHA256, &a.PersonID, &a.CompanyID, &a.OpportunityID,
		&a.ContractID, TimeScanner{&a.CreatedAt}}
	if content {
		dst = append(dst, &a.Content)
	}
	return a, sc.Scan(dst...)
}

// AttachmentInsert stores a file.
func (s *Store) AttachmentInsert(ctx context.Context, tx *sql.Tx, a *Attachment) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO attachments (`+attachmentMeta+`, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		a.ID, a.WorkspaceID, a.Name, a.FileType, a.Size, a.SHA256, a.PersonID, a.CompanyID, a.OpportunityID, a.ContractID,
		s.Dialect.Time(a.CreatedAt), a.Content)
	if err != nil {
		return fmt.Errorf("store: insert attachment: %w", err)
	}
	return nil
}

// AttachmentGet returns a file with its content, or crm.ErrNotFound (also
// for another workspace's file).
func (s *Store) AttachmentGet(ctx context.Context, workspaceID, id string) (*Attachment, error) {
	a, err := scanAttachment(s.Read.QueryRowContext(ctx, `SELECT `+attachmentMeta+`, content FROM attachments WHERE workspace_id = $1 AND id = $2`,
		workspaceID, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: fmt.Sprintf("attachment %q not found", id)}
	}
	if err != nil {
		return nil, fmt.Errorf("store: get attachment: %w", err)
	}
	return a, nil
}

// AttachmentListParams select the files of one record (exactly one target
// set), without their content.
type AttachmentListParams struct {
	WorkspaceID string
	// Column is the target column: person_id, company_id, opportunity_id
	// or contract_id.
	Column string
	ID     string
	// SHA256, when set, lists the workspace's files with that hash instead.
	SHA256 string
}

// AttachmentList returns file metadata, newest first.
func (s *Store) AttachmentList(ctx context.Context, p *AttachmentListParams) ([]*Attachment, error) {
	col, v := p.Column, p.ID
	if p.SHA256 != "" {
		col, v = "sha256", p.SHA256
	}
	switch col {
	case "person_id", "company_id", "opportunity_id", "contract_id", "sha256":
	default:
		return nil, fmt.Errorf("store: list attachments: unknown target %q", col)
	}
	return queryList(ctx, s.Read, "list attachments", func(sc rowScanner) (*Attachment, error) { return scanAttachment(sc, false) },
		`SELECT `+attachmentMeta+` FROM attachments WHERE workspace_id = $1 AND `+col+` = $2 ORDER BY created_at DESC, id DESC`, p.WorkspaceID, v)
}
