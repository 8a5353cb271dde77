package auth

import (
	"context"
	"database/sql"

	"github.com/roster-crm/roster/internal/audit"
)

// AuditActor is how the caller appears in the audit log: the member, or
// the API key (by ID, so a key's actions can be found after it is renamed
// or revoked).
func (p *Principal) AuditActor() audit.Actor {
	if p.APIKeyID != nil {
		return audit.APIKey(*p.APIKeyID, p.Name)
	}
	id := ""
	if p.MemberID != nil {
		id = *p.MemberID
	}
	return audit.Member(id, p.Name)
}

// memberTarget names a membership as an entry's target: by member ID,
// labelled with the person's email (their name may be empty).
func memberTarget(m *Member) audit.Target {
	return audit.Target{Type: audit.TargetMember, ID: m.ID, Label: m.Email}
}

// memberActor is a member acting on their own account (accepting an
// invite, resetting a password, signing in).
func memberActor(m *Member) audit.Actor {
	name := m.Name
	if name == "" {
		name = m.Email
	}
	return audit.Member(m.ID, name)
}

// AuditLog returns the audit log the service writes to, for surfaces built
// without one of their own.
func (s *Service) AuditLog() *audit.Service { return s.audit }

// record writes an entry inside tx; see audit.Service.RecordTx.
func (s *Service) record(ctx context.Context, tx *sql.Tx, workspaceID string, e audit.Entry) error {
	return s.audit.RecordTx(ctx, tx, workspaceID, e)
}
