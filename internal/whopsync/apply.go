package whopsync

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/whop"
)

// The apply functions write one page (or one webhook's resource) inside the
// caller's transaction and return how many rows they wrote. They are
// idempotent: applying the same data twice writes nothing the second time.

func canonical(v any) []byte {
	b, _ := json.Marshal(v) // struct fields marshal in declaration order: stable
	return b
}

func timePtr(t whop.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func (s *Service) applyProducts(ctx context.Context, tx *sql.Tx, ws string, items []whop.Product) (int, error) {
	n := 0
	for i := range items {
		p := &items[i]
		wrote, err := s.store.WhopProductUpsert(ctx, tx, &store.WhopProduct{WorkspaceID: ws, WhopID: p.ID, Title: p.Title,
			Visibility: p.Visibility, Data: canonical(p), WhopUpdatedAt: timePtr(p.UpdatedAt)}, s.now())
		if err != nil {
			return n, err
		}
		if wrote {
			n++
		}
		s.cache.Set(ctx, "product:"+ws+":"+p.ID, p)
	}
	return n, nil
}

func (s *Service) applyPlans(ctx context.Context, tx *sql.Tx, ws string, items []whop.Plan) (int, error) {
	n := 0
	for i := range items {
		p := &items[i]
		row := &store.WhopPlan{WorkspaceID: ws, WhopID: p.ID, ProductWhopID: p.Product.ID, Title: p.Title, PlanType: p.PlanType,
			Currency: strings.ToUpper(p.Currency), Data: canonical(p)}
		if m, err := whop.AmountMicros(p.InitialPrice); err == nil {
			row.InitialPriceMicros = &m
		}
		if m, err := whop.AmountMicros(p.RenewalPrice); err == nil {
			row.RenewalPriceMicros = &m
		}
		if p.BillingPeriod != nil {
			d := int64(*p.BillingPeriod)
			row.BillingPeriodDays = &d
		}
		wrote, err := s.store.WhopPlanUpsert(ctx, tx, row, s.now())
		if err != nil {
			return n, err
		}
		if wrote {
			n++
		}
		s.cache.Set(ctx, "plan:"+ws+":"+p.ID, p)
	}
	return n, nil
}

// plan finds a plan: cache, then the synced table, else nil (the amount is
// then left alone until the plan is synced). A failed read is returned, not
// taken for "no plan": on PostgreSQL it has aborted q's transaction, and on
// SQLite it would map the membership without its price.
func (s *Service) plan(ctx context.Context, q store.Querier, ws, id string) (*whop.Plan, error) {
	if id == "" {
		return nil, nil
	}
	var p whop.Plan
	if s.cache.Get(ctx, "plan:"+ws+":"+id, &p) {
		return &p, nil
	}
	row, err := s.store.WhopPlanGet(ctx, q, ws, id)
	if err != nil {
		return nil, fmt.Errorf("whopsync: plan %s: %w", id, err)
	}
	if row == nil || json.Unmarshal(row.Data, &p) != nil {
		return nil, nil
	}
	s.cache.Set(ctx, "plan:"+ws+":"+id, &p)
	return &p, nil
}

// productTitle prefers the title nested in the membership, then the cache,
// then the synced table; a failed read is returned like plan's.
func (s *Service) productTitle(ctx context.Context, q store.Querier, ws string, ref whop.ProductRef) (string, error) {
	if ref.Title != "" || ref.ID == "" {
		return ref.Title, nil
	}
	var p whop.Product
	if s.cache.Get(ctx, "product:"+ws+":"+ref.ID, &p) {
		return p.Title, nil
	}
	title, err := s.store.WhopProductTitle(ctx, q, ws, ref.ID)
	if err != nil {
		return "", fmt.Errorf("whopsync: product %s: %w", ref.ID, err)
	}
	return title, nil
}

// applyMembers maps the company's members onto people, with when each became
// a member (whopCreatedAt, "member since"), which only the members list
// says: a full sync therefore also fills it in for people synced before.
func (s *Service) applyMembers(ctx context.Context, tx *sql.Tx, ws string, items []whop.Member) (int, error) {
	users := make([]whop.UserRef, 0, len(items))
	since := map[string]memberSince{}
	for _, m := range items {
		if m.User.ID != "" {
			users = append(users, m.User)
			since[m.User.ID] = memberSince{at: firstSet(m.JoinedAt, m.CreatedAt)}
		}
	}
	_, n, err := s.syncPeople(ctx, tx, ws, users, since)
	return n, err
}

// firstSet returns the first of ts that is set (zero when none is).
func firstSet(ts ...whop.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t.UTC()
		}
	}
	return time.Time{}
}

// syncPeople makes sure every Whop user has exactly one person: matched by
// whopUserId, else by primary email (then given the whopUserId), else
// created. since, which may be nil, says when users became members. It
// returns the person ID of each user ("" when the user's person was deleted
// in Roster, which a sync respects).
func (s *Service) syncPeople(ctx context.Context, tx *sql.Tx, ws string, users []whop.UserRef, since map[string]memberSince) (map[string]string, int, error) {
	ids := map[string]string{}
	var order []whop.UserRef
	for _, u := range users {
		if _, seen := ids[u.ID]; !seen && u.ID != "" {
			ids[u.ID] = ""
			order = append(order, u)
		}
	}
	if len(order) == 0 {
		return ids, 0, nil
	}
	byWhop, err := s.findPeople(ctx, tx, ws, "whop_user_id", order, func(u whop.UserRef) string { return u.ID }, true)
	if err != nil {
		return nil, 0, err
	}
	var unmatched []whop.UserRef
	for _, u := range order {
		if byWhop[u.ID] == nil && u.Email != "" {
			unmatched = append(unmatched, u)
		}
	}
	byEmail, err := s.findPeople(ctx, tx, ws, "emails_primary_email", unmatched, func(u whop.UserRef) string { return strings.ToLower(strings.TrimSpace(u.Email)) }, false)
	if err != nil {
		return nil, 0, err
	}
	var inputs []crm.Input
	var inputUsers []string
	for _, u := range order {
		p := byWhop[u.ID]
		if p == nil {
			if e := byEmail[strings.ToLower(strings.TrimSpace(u.Email))]; e != nil && (e.WhopUserID == nil || *e.WhopUserID == u.ID) {
				p = e
			}
		}
		if p != nil && p.DeletedAt != nil {
			continue // deleted in Roster on purpose: do not bring it back
		}
		in := personInput(u, p, since[u.ID])
		if p == nil && in["emails"] != nil && byEmail[strings.ToLower(strings.TrimSpace(u.Email))] != nil {
			delete(in, "emails") // the email belongs to another Whop user's person
		}
		inputs = append(inputs, in)
		inputUsers = append(inputUsers, u.ID)
	}
	if len(inputs) == 0 {
		return ids, 0, nil
	}
	res, err := s.records.UpsertTx(ctx, tx, records.CreateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: systemActor, Inputs: inputs, Upsert: true})
	if err != nil {
		return nil, 0, fmt.Errorf("whopsync: people: %w", err)
	}
	for i, r := range res.Records {
		ids[inputUsers[i]] = r.Meta().ID
	}
	return ids, res.Created + res.Updated, nil
}

// findPeople loads people by one column, keyed by the user's value of it.
func (s *Service) findPeople(ctx context.Context, tx *sql.Tx, ws, column string, users []whop.UserRef, key func(whop.UserRef) string, includeDeleted bool) (map[string]*crm.Person, error) {
	out := map[string]*crm.Person{}
	var vals []any
	for _, u := range users {
		if k := key(u); k != "" {
			vals = append(vals, k)
		}
	}
	if len(vals) == 0 {
		return out, nil
	}
	recs, err := s.store.RecordFind(ctx, tx, &store.RecordFindParams{Object: crm.PersonObject, WorkspaceID: ws, Column: column, Values: vals, IncludeDeleted: includeDeleted})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		p := r.(*crm.Person)
		k := p.Emails.PrimaryEmail
		if column == "whop_user_id" {
			k = *p.WhopUserID
		}
		if prev := out[k]; prev == nil || prev.DeletedAt != nil {
			out[k] = p
		}
	}
	return out, nil
}

// applyMemberships maps memberships onto people and opportunities. With
// checkStale (webhooks), a membership older than the state already applied is
// skipped, so a late, reordered event never overwrites newer data. An
// unchanged membership (same fingerprint) is skipped without a write.
func (s *Service) applyMemberships(ctx context.Context, tx *sql.Tx, ws string, mapping map[string]string, items []whop.Membership, checkStale bool) (int, error) {
	if len(items) == 0 {
		return 0, nil
	}
	whopIDs := make([]string, len(items))
	for i, m := range items {
		whopIDs[i] = m.ID
	}
	states, err := s.store.WhopMembershipStates(ctx, tx, ws, whopIDs)
	if err != nil {
		return 0, err
	}
	type pending struct {
		m     *whop.Membership
		plan  *whop.Plan
		title string
		fp    string
	}
	var todo []pending
	for i := range items {
		m := &items[i]
		st := states[m.ID]
		if checkStale && st != nil && st.WhopUpdatedAt != nil && !m.UpdatedAt.IsZero() && m.UpdatedAt.Before(*st.WhopUpdatedAt) {
			continue
		}
		plan, err := s.plan(ctx, tx, ws, m.Plan.ID)
		if err != nil {
			return 0, err
		}
		title, err := s.productTitle(ctx, tx, ws, m.Product)
		if err != nil {
			return 0, err
		}
		fp := fingerprint(m, plan, title)
		if st != nil && st.Fingerprint == fp {
			continue
		}
		todo = append(todo, pending{m, plan, title, fp})
	}
	if len(todo) == 0 {
		return 0, nil
	}
	users := make([]whop.UserRef, len(todo))
	vals := make([]any, len(todo))
	since := map[string]memberSince{}
	for i, p := range todo {
		users[i], vals[i] = p.m.User, p.m.ID
		// A person first seen in a membership (a webhook for a new sign-up)
		// gets its start as an estimate until the members list says.
		at := firstSet(p.m.JoinedAt, p.m.CreatedAt)
		if prev, ok := since[p.m.User.ID]; !at.IsZero() && (!ok || at.Before(prev.at)) {
			since[p.m.User.ID] = memberSince{at: at, estimate: true}
		}
	}
	people, writes, err := s.syncPeople(ctx, tx, ws, users, since)
	if err != nil {
		return 0, err
	}
	existing, err := s.store.RecordFind(ctx, tx, &store.RecordFindParams{Object: crm.OpportunityObject, WorkspaceID: ws, Column: "whop_membership_id", Values: vals, IncludeDeleted: true})
	if err != nil {
		return 0, err
	}
	opps := map[string]*crm.Opportunity{}
	for _, r := range existing {
		o := r.(*crm.Opportunity)
		opps[*o.WhopMembershipID] = o
	}
	var inputs []crm.Input
	var applied []pending
	for _, p := range todo {
		o := opps[p.m.ID]
		if o != nil && o.DeletedAt != nil {
			continue // deleted in Roster on purpose
		}
		changed := o == nil || o.WhopMembershipStatus != p.m.Status
		in := opportunityInput(p.m, p.plan, p.title, people[p.m.User.ID], mapping, changed)
		if o != nil {
			in["id"] = o.ID
		}
		inputs = append(inputs, in)
		applied = append(applied, p)
	}
	if len(inputs) > 0 {
		res, err := s.records.UpsertTx(ctx, tx, records.CreateParams{WorkspaceID: ws, Object: crm.OpportunityObject, Actor: systemActor, Inputs: inputs, Upsert: true})
		if err != nil {
			return 0, fmt.Errorf("whopsync: opportunities: %w", err)
		}
		writes += res.Created + res.Updated
		states := make([]*store.WhopMembershipState, 0, len(applied))
		pos := map[string]int{}
		for i, p := range applied {
			oppID := res.Records[i].Meta().ID
			personID := people[p.m.User.ID]
			st := &store.WhopMembershipState{WorkspaceID: ws, WhopID: p.m.ID, Status: p.m.Status, UserWhopID: p.m.User.ID, UserEmail: p.m.User.Email,
				OpportunityID: &oppID, WhopUpdatedAt: timePtr(p.m.UpdatedAt), Fingerprint: p.fp}
			if personID != "" {
				st.PersonID = &personID
			}
			if j, dup := pos[p.m.ID]; dup {
				states[j] = st // the same membership twice in one page: the last wins
				continue
			}
			pos[p.m.ID] = len(states)
			states = append(states, st)
		}
		if err := s.store.WhopMembershipStatesSave(ctx, tx, states, s.now()); err != nil {
			return 0, err
		}
	}
	return writes, nil
}

// outcomeOf classifies a stored payment like paymentOutcome does a fresh one.
func outcomeOf(p *store.WhopPayment) string {
	wp := whop.Payment{Status: p.Status, Substatus: p.Substatus, FailureMessage: p.FailureMessage}
	if p.RefundedMicros != nil && *p.RefundedMicros > 0 {
		wp.RefundedAmount = float64(*p.RefundedMicros) / 1e6
	}
	if p.RefundedAt != nil {
		wp.RefundedAt = whop.Time{Time: *p.RefundedAt}
	}
	return paymentOutcome(&wp)
}

// applyPayments stores payments linked to their person and opportunity and
// puts each new outcome (succeeded, failed, refunded...) on the person's
// timeline once.
func (s *Service) applyPayments(ctx context.Context, tx *sql.Tx, ws string, items []whop.Payment, checkStale bool) (int, error) {
	if len(items) == 0 {
		return 0, nil
	}
	users := make([]whop.UserRef, 0, len(items))
	memIDs := make([]string, 0, len(items))
	for _, p := range items {
		users = append(users, p.User)
		if p.Membership.ID != "" {
			memIDs = append(memIDs, p.Membership.ID)
		}
	}
	people, writes, err := s.syncPeople(ctx, tx, ws, users, nil)
	if err != nil {
		return 0, err
	}
	states, err := s.store.WhopMembershipStates(ctx, tx, ws, memIDs)
	if err != nil {
		return 0, err
	}
	ids := make([]string, len(items))
	for i, p := range items {
		ids[i] = p.ID
	}
	olds, err := s.store.WhopPaymentsByIDs(ctx, tx, ws, ids)
	if err != nil {
		return 0, err
	}
	var acts []*crm.TimelineActivity
	var changed []*store.WhopPayment
	pos := map[string]int{}
	for i := range items {
		p := &items[i]
		old := olds[p.ID]
		if checkStale && old != nil && old.WhopUpdatedAt != nil && !p.UpdatedAt.IsZero() && p.UpdatedAt.Before(*old.WhopUpdatedAt) {
			continue
		}
		row := &store.WhopPayment{WorkspaceID: ws, WhopID: p.ID, Status: p.Status, Substatus: p.Substatus, Currency: strings.ToUpper(p.Currency),
			FailureMessage: p.FailureMessage, BillingReason: p.BillingReason, MembershipWhopID: p.Membership.ID, UserWhopID: p.User.ID,
			ProductWhopID: p.Product.ID, PaidAt: timePtr(p.PaidAt), RefundedAt: timePtr(p.RefundedAt),
			WhopCreatedAt: timePtr(p.CreatedAt), WhopUpdatedAt: timePtr(p.UpdatedAt), Data: canonical(p)}
		if m, err := whop.AmountMicros(p.Total); err == nil {
			row.AmountMicros = &m
		}
		if p.RefundedAmount > 0 {
			if m, err := whop.AmountMicros(p.RefundedAmount); err == nil {
				row.RefundedMicros = &m
			}
		}
		if id := people[p.User.ID]; id != "" {
			row.PersonID = &id
		}
		if st := states[p.Membership.ID]; st != nil {
			row.OpportunityID = st.OpportunityID
		}
		if old != nil && samePayment(old, row) {
			continue // nothing changed: no write
		}
		if j, dup := pos[p.ID]; dup {
			changed[j] = row // the same payment twice in one page: the last wins
		} else {
			pos[p.ID] = len(changed)
			changed = append(changed, row)
		}
		outcome := paymentOutcome(p)
		if old != nil && outcomeOf(old) == outcome {
			continue // the same outcome is already on the timeline
		}
		if a := paymentActivity(row, p, outcome, s.now()); a != nil {
			acts = append(acts, a)
		}
	}
	if err := s.store.WhopPaymentUpsertMany(ctx, tx, changed, s.now()); err != nil {
		return 0, err
	}
	writes += len(changed)
	if len(acts) > 0 {
		if err := s.records.AddActivitiesTx(ctx, tx, acts); err != nil {
			return 0, err
		}
		writes += len(acts)
	}
	return writes, nil
}

// samePayment reports whether a stored payment already holds everything a
// fresh copy would write. Whop moves updated_at with every change, so the
// time and the links decide; comparing the JSON would differ on PostgreSQL,
// which normalises jsonb.
func samePayment(old, row *store.WhopPayment) bool {
	eqTime := func(a, b *time.Time) bool { return (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) }
	eqStr := func(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	return eqTime(old.WhopUpdatedAt, row.WhopUpdatedAt) && old.WhopUpdatedAt != nil &&
		old.Status == row.Status && old.Substatus == row.Substatus &&
		eqStr(old.PersonID, row.PersonID) && eqStr(old.OpportunityID, row.OpportunityID)
}

// paymentActivity is the timeline line of a payment outcome, on the person
// (linked to the opportunity) or on the opportunity alone; nil when neither
// is known yet (the payment row is kept all the same).
func paymentActivity(row *store.WhopPayment, p *whop.Payment, outcome string, now time.Time) *crm.TimelineActivity {
	obj, id := crm.ObjectPerson, row.PersonID
	linkedObj, linked := crm.ObjectOpportunity, row.OpportunityID
	if id == nil {
		obj, id, linkedObj, linked = crm.ObjectOpportunity, row.OpportunityID, "", nil
	}
	if id == nil {
		return nil
	}
	at := p.CreatedAt.Time
	switch outcome {
	case paySucceeded:
		if !p.PaidAt.IsZero() {
			at = p.PaidAt.Time
		}
	case payRefunded:
		if !p.RefundedAt.IsZero() {
			at = p.RefundedAt.Time
		}
	case payFailed, payPending:
		if !p.UpdatedAt.IsZero() {
			at = p.UpdatedAt.Time
		}
	}
	if at.IsZero() {
		at = now
	}
	props := map[string]any{"text": paymentText(p, outcome), "whopPaymentId": p.ID, "currency": row.Currency, "status": p.Status, "substatus": p.Substatus}
	if row.AmountMicros != nil {
		props["amountMicros"] = *row.AmountMicros
	}
	if p.FailureMessage != "" {
		props["failureMessage"] = p.FailureMessage
	}
	if row.RefundedMicros != nil {
		props["refundedMicros"] = *row.RefundedMicros
	}
	return &crm.TimelineActivity{
		WorkspaceID: row.WorkspaceID, HappensAt: at.UTC(), Name: "payment." + outcome, Properties: props,
		RecordObject: obj, RecordID: *id, LinkedRecordObject: linkedObj, LinkedRecordID: linked, Actor: systemActor,
	}
}
