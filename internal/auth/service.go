package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/store"
)

// Role is what a member may do in a workspace.
type Role string

// The roles. Admins manage members and API keys; members use the CRM.
const (
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Principal is an authenticated caller acting in one workspace. Exactly one
// of UserID (a signed-in person) and APIKeyID (an integration) is set.
type Principal struct {
	WorkspaceID string
	// UserID and MemberID identify a signed-in person; MemberID is what
	// records' createdBy.workspaceMemberId points at.
	UserID   *string
	MemberID *string
	// APIKeyID is set for API key callers, which act with RoleAdmin.
	APIKeyID *string
	Role     Role
	// Name is the user's name (or email when it has none) or the key's name,
	// for createdBy.name and audit lines.
	Name string
}

// RequireAdmin returns nil when p is a workspace admin, crm.ErrForbidden for
// other callers and crm.ErrUnauthenticated for none. Services do not check
// roles themselves: front doors call this before admin-only operations
// (AddMember, CreateAPIKey, ListAPIKeys, RevokeAPIKey).
func RequireAdmin(p *Principal) error {
	if p == nil {
		return errUnauthenticated()
	}
	if p.Role != RoleAdmin {
		return &crm.Error{Cause: crm.ErrForbidden, Code: crm.CodeForbidden, Message: "only workspace admins can do this"}
	}
	return nil
}

// Config wires a Service.
type Config struct {
	Store *store.Store
	// Now is the clock; nil means time.Now. Tests inject one to expire
	// sessions.
	Now func() time.Time
	// Mail delivers invite and reset links; nil means a log-driver mailer
	// over Store (links kept in the outbox, masked).
	Mail *mail.Service
	// Audit records member, key, invite, password and settings changes and
	// sign-ins from new places; nil means one over Store.
	Audit *audit.Service
}

// Service is the auth service. It is safe for concurrent use.
type Service struct {
	store  *store.Store
	mail   *mail.Service
	audit  *audit.Service
	now    func() time.Time
	argon2 argon2Params

	// dummyHash is verified against when a login names an unknown email, so
	// that case costs the same as a wrong password.
	dummyOnce sync.Once
	dummyHash string
}

// New returns a Service.
func New(c Config) *Service {
	now := c.Now
	if now == nil {
		now = time.Now
	}
	m := c.Mail
	if m == nil {
		m = mail.New(mail.Config{Store: c.Store, Now: now})
	}
	a := c.Audit
	if a == nil {
		a = audit.New(audit.Config{Store: c.Store, Now: now})
	}
	return &Service{store: c.Store, mail: m, audit: a, now: now, argon2: defaultArgon2()}
}

// clock returns the current time at the microsecond precision both
// databases keep, so values read back compare equal to values written.
func (s *Service) clock() time.Time {
	return s.now().UTC().Truncate(time.Microsecond)
}

func (s *Service) dummy() string {
	s.dummyOnce.Do(func() {
		h, err := hashPassword(s.argon2, rand.Text())
		if err != nil {
			panic(fmt.Sprintf("auth: dummy hash: %v", err)) // crypto/rand never fails on supported platforms
		}
		s.dummyHash = h
	})
	return s.dummyHash
}

// errUnauthenticated is the one error every failed authentication returns.
func errUnauthenticated() *crm.Error {
	return &crm.Error{Cause: crm.ErrUnauthenticated, Code: crm.CodeUnauthenticated, Message: "invalid or expired credentials"}
}

// tokenHash is how session tokens and API keys are stored and looked up.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
