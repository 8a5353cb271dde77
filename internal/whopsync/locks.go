package whopsync

import (
	"context"
	"database/sql"

	"github.com/roster-crm/roster/internal/whop"
)

// whopKeys are the Whop users and memberships a transaction writes people,
// opportunities and membership states for. A sync page and the webhooks
// processed meanwhile write the same ones: every such transaction locks all
// of its keys first, in one go (store.WhopKeysLock), so that two of them
// never both find a new user's person (or a new membership's opportunity)
// missing and both insert it. Without the lock the loser failed on the
// unique index; for a sync page that failed the whole attempt, which River
// retried only after its backoff (16 s, then 81 s...), so a webhook storm
// kept a sync from saving pages.
type whopKeys struct {
	users, memberships []string
}

func (k *whopKeys) addUser(id string) {
	if id != "" {
		k.users = append(k.users, id)
	}
}

func (k *whopKeys) addMembership(m *whop.Membership) {
	if m != nil && m.ID != "" {
		k.memberships = append(k.memberships, m.ID)
		k.addUser(m.User.ID)
	}
}

// lockKeys takes the transaction's locks on k. Call it once per
// transaction, before anything reads or writes what k names.
func (s *Service) lockKeys(ctx context.Context, tx *sql.Tx, workspaceID string, k whopKeys) error {
	keys := make([]string, 0, len(k.users)+len(k.memberships))
	for _, u := range k.users {
		keys = append(keys, "user:"+u)
	}
	for _, m := range k.memberships {
		keys = append(keys, "membership:"+m)
	}
	return s.store.WhopKeysLock(ctx, tx, workspaceID, keys)
}

// Keys of one page of each list the sync walks. Products and plans touch no
// person or opportunity; payments write people (their users) and payment
// rows, whose upsert needs no lock.
func memberKeys(items []whop.Member) whopKeys {
	var k whopKeys
	for _, m := range items {
		k.addUser(m.User.ID)
	}
	return k
}

func membershipKeys(items []whop.Membership) whopKeys {
	var k whopKeys
	for i := range items {
		k.addMembership(&items[i])
	}
	return k
}

func paymentKeys(items []whop.Payment) whopKeys {
	var k whopKeys
	for _, p := range items {
		k.addUser(p.User.ID)
	}
	return k
}
