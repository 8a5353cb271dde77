package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// link is one kind of single-use link (an invite, a password reset): the
// store table its token lives in and the one answer for a link that does
// not work. Unknown, spent and expired links get the same answer: the page
// cannot tell a guessed token from an old one, and need not.
type link struct {
	kind store.TokenKind
	bad  func() *crm.Error
}

var (
	inviteLink = link{kind: store.InviteTokens, bad: func() *crm.Error {
		return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "this invite link is not valid: it was used already, withdrawn or has expired; ask an admin for a new one"}
	}}
	resetLink = link{kind: store.ResetTokens, bad: func() *crm.Error {
		return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "this password reset link is not valid: it was used already or has expired; ask for a new one"}
	}}
)

// newLinkToken makes a link's token; only the hash is stored, the token is
// shown or sent once.
func newLinkToken() (token, hash string) {
	token = rand.Text()
	return token, tokenHash(token)
}

// findLink returns the open link a token names, or l.bad() when the token is
// unknown, spent or expired. get reads the link by token hash.
func findLink[T interface{ Lifecycle() *store.SingleUse }](ctx context.Context, s *Service, l link, token string,
	get func(context.Context, store.Querier, string) (T, error)) (T, error) {
	var zero T
	if token == "" || len(token) > 100 {
		return zero, l.bad()
	}
	v, err := get(ctx, s.store.Read, tokenHash(token))
	if errors.Is(err, crm.ErrNotFound) {
		return zero, l.bad()
	}
	if err != nil {
		return zero, fmt.Errorf("auth: %s: %w", l.kind.Noun(), err)
	}
	if !v.Lifecycle().Usable(s.clock()) {
		return zero, l.bad()
	}
	return v, nil
}

// spendLink spends the link inside tx, the transaction that acts on it; a
// link another request spent first is l.bad().
func (s *Service) spendLink(ctx context.Context, tx *sql.Tx, l link, id string) error {
	won, err := s.store.TokenSpend(ctx, tx, l.kind, id, s.clock())
	if err != nil {
		return err
	}
	if !won {
		return l.bad()
	}
	return nil
}
