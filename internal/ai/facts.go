package ai

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/whopstatus"
)

// Limits on the CRM context one prompt carries, so a record with years of
// history still fits the token budget: the newest notes first, each cut.
const (
	maxNotes       = 20
	maxNoteChars   = 2000
	maxTasks       = 20
	maxTimeline    = 20
	maxFieldChars  = 500
	maxContextChar = 24000 // ~6,000 tokens of CRM text per prompt
)

// Facts is what an action knows about a record: the record, its company,
// its notes (newest first), tasks, recent timeline and Whop facts. Prompt
// variables are read from it, and the offline provider computes from it.
type Facts struct {
	Object      crm.ObjectName
	ID          string
	Name        string
	Person      *crm.Person
	Company     *crm.Company
	Opportunity *crm.Opportunity
	Notes       []Note
	Tasks       []Task
	Timeline    []Activity
	Whop        WhopFacts
	// LastActivity is the newest note, task or timeline entry (nil: none).
	LastActivity *time.Time
	Now          time.Time
}

// Note is a note as prompts see it.
type Note struct {
	Title, Body, Author string
	CreatedAt           time.Time
}

// Task is a task as prompts see it.
type Task struct {
	Title, Status string
	DueAt         *time.Time
}

// Activity is one timeline entry in words.
type Activity struct {
	At   time.Time
	Text string
}

// WhopFacts are the Whop signals of a customer: their current membership
// status, how long they have been a member, what they paid and what failed.
type WhopFacts struct {
	Member            bool
	MembershipStatus  string
	Plan              string
	TenureDays        int
	Payments          int
	FailedPayments    int
	CancelAtPeriodEnd bool
	// LifetimeValueMicros is paid minus refunded in Currency (the currency
	// with the most paid).
	LifetimeValueMicros int64
	Currency            string
}

// loadFacts reads a person or opportunity with everything around it.
func (s *Service) loadFacts(ctx context.Context, ws string, object crm.ObjectName, id string) (*Facts, error) {
	f := &Facts{Object: object, ID: id, Now: s.now()}
	var companyID *string
	var person *crm.Person
	switch object {
	case crm.ObjectPerson:
		r, err := s.records.Get(ctx, ws, crm.PersonObject, id)
		if err != nil {
			return nil, err
		}
		person = r.(*crm.Person)
		companyID = person.CompanyID
		f.Name = personName(person)
	case crm.ObjectOpportunity:
		r, err := s.records.Get(ctx, ws, crm.OpportunityObject, id)
		if err != nil {
			return nil, err
		}
		o := r.(*crm.Opportunity)
		f.Opportunity, f.Name, companyID = o, o.Name, o.CompanyID
		if o.PointOfContactID != nil {
			pr, err := s.records.Get(ctx, ws, crm.PersonObject, *o.PointOfContactID)
			if err == nil {
				person = pr.(*crm.Person)
			}
		}
	default:
		return nil, crm.Invalid("objectName", crm.CodeInvalidEnum, "must be person or opportunity, got %q", object)
	}
	f.Person = person
	if companyID != nil {
		if r, err := s.records.Get(ctx, ws, crm.CompanyObject, *companyID); err == nil {
			f.Company = r.(*crm.Company)
		}
	}
	if err := s.loadNotesTasks(ctx, ws, f); err != nil {
		return nil, err
	}
	if err := s.loadWhop(ctx, ws, f); err != nil {
		return nil, err
	}
	acts, err := s.records.Timeline(ctx, ws, objectOf(object), id, "", maxTimeline)
	if err != nil {
		return nil, err
	}
	for _, a := range acts {
		f.Timeline = append(f.Timeline, Activity{At: a.HappensAt, Text: activityText(a)})
		f.touch(a.HappensAt)
	}
	return f, nil
}

func objectOf(name crm.ObjectName) *crm.Object {
	o, _ := crm.ObjectByName(string(name))
	return o
}

func (f *Facts) touch(t time.Time) {
	if f.LastActivity == nil || t.After(*f.LastActivity) {
		f.LastActivity = &t
	}
}

// loadNotesTasks reads the notes (newest first) and tasks linked to the
// record.
func (s *Service) loadNotesTasks(ctx context.Context, ws string, f *Facts) error {
	notes, err := s.linked(ctx, ws, crm.NoteObject, f.Object, f.ID)
	if err != nil {
		return err
	}
	for _, r := range notes {
		n := r.(*crm.Note)
		f.Notes = append(f.Notes, Note{Title: n.Title, Body: n.BodyV2.Markdown, Author: n.CreatedBy.Name, CreatedAt: n.CreatedAt})
		f.touch(n.CreatedAt)
	}
	sort.SliceStable(f.Notes, func(i, j int) bool { return f.Notes[i].CreatedAt.After(f.Notes[j].CreatedAt) })
	if len(f.Notes) > maxNotes {
		f.Notes = f.Notes[:maxNotes]
	}
	tasks, err := s.linked(ctx, ws, crm.TaskObject, f.Object, f.ID)
	if err != nil {
		return err
	}
	for _, r := range tasks {
		t := r.(*crm.Task)
		f.Tasks = append(f.Tasks, Task{Title: t.Title, Status: t.Status, DueAt: t.DueAt})
		f.touch(t.UpdatedAt)
	}
	if len(f.Tasks) > maxTasks {
		f.Tasks = f.Tasks[:maxTasks]
	}
	return nil
}

// linked lists the live notes or tasks attached to a record.
func (s *Service) linked(ctx context.Context, ws string, parent *crm.Object, object crm.ObjectName, id string) ([]crm.Record, error) {
	return s.records.Linked(ctx, ws, parent, object, id)
}

// loadWhop reads the person's memberships (opportunities synced from Whop)
// and payment totals.
func (s *Service) loadWhop(ctx context.Context, ws string, f *Facts) error {
	var memberships []*crm.Opportunity
	if f.Opportunity != nil && f.Opportunity.WhopMembershipID != nil {
		memberships = append(memberships, f.Opportunity)
	}
	if f.Person != nil {
		schema, err := s.records.Schema(ctx, ws, crm.OpportunityObject)
		if err != nil {
			return err
		}
		cond, err := schema.Condition("pointOfContactId", string(crm.OpEq), f.Person.ID, false)
		if err != nil {
			return err
		}
		pg, err := s.records.List(ctx, ws, schema, crm.ListParams{Filter: &crm.Filter{Conds: []crm.Cond{cond}}, First: crm.MaxPageSize})
		if err != nil {
			return err
		}
		if f.Opportunity == nil {
			for _, r := range pg.Records {
				if o := r.(*crm.Opportunity); o.WhopMembershipID != nil {
					memberships = append(memberships, o)
				}
			}
		}
		if f.Person.WhopCreatedAt != nil {
			f.Whop.TenureDays = int(f.Now.Sub(*f.Person.WhopCreatedAt).Hours() / 24)
		}
		totals, err := s.store.WhopPaymentTotals(ctx, ws, f.Person.ID)
		if err != nil {
			return err
		}
		var best int64 = -1
		for _, t := range totals {
			f.Whop.Payments += t.Payments
			f.Whop.FailedPayments += t.Failed
			if t.PaidMicros > best {
				best, f.Whop.Currency, f.Whop.LifetimeValueMicros = t.PaidMicros, t.Currency, t.PaidMicros-t.RefundedMicros
			}
		}
	}
	if len(memberships) == 0 {
		return nil
	}
	cur := memberships[0]
	for _, o := range memberships[1:] {
		if whopstatus.In(whopstatus.Access, o.WhopMembershipStatus) && !whopstatus.In(whopstatus.Access, cur.WhopMembershipStatus) ||
			whopstatus.In(whopstatus.Access, o.WhopMembershipStatus) == whopstatus.In(whopstatus.Access, cur.WhopMembershipStatus) && o.CreatedAt.After(cur.CreatedAt) {
			cur = o
		}
	}
	f.Whop.Member = true
	f.Whop.MembershipStatus = cur.WhopMembershipStatus
	f.Whop.CancelAtPeriodEnd = cur.WhopCancelAtPeriodEnd
	if f.Whop.TenureDays == 0 {
		f.Whop.TenureDays = int(f.Now.Sub(cur.CreatedAt).Hours() / 24)
	}
	return nil
}

// activityText puts a timeline entry in words.
func activityText(a *crm.TimelineActivity) string {
	if t, ok := a.Properties["text"].(string); ok && t != "" {
		return t
	}
	if t, ok := a.Properties["summary"].(string); ok && t != "" {
		return t
	}
	return strings.ReplaceAll(a.Name, ".", " ")
}

func personName(p *crm.Person) string {
	n := strings.TrimSpace(p.Name.FirstName + " " + p.Name.LastName)
	if n == "" {
		n = p.Emails.PrimaryEmail
	}
	return n
}

// Variables are the prompt template variables of the facts, by the names
// the whitelist allows (see Variables). Text values are cut to keep a
// prompt inside the token budget.
func (f *Facts) Variables() map[string]string {
	v := map[string]string{"record.name": f.Name, "record.object": string(f.Object), "today": f.Now.Format("2006-01-02")}
	if p := f.Person; p != nil {
		v["person.firstName"], v["person.lastName"], v["person.name"] = p.Name.FirstName, p.Name.LastName, personName(p)
		v["person.email"], v["person.jobTitle"], v["person.city"] = p.Emails.PrimaryEmail, p.JobTitle, p.City
	}
	if c := f.Company; c != nil {
		v["company.name"], v["company.domain"] = c.Name, c.DomainName.PrimaryLinkURL
		if c.Employees != nil {
			v["company.employees"] = strconv.FormatInt(*c.Employees, 10)
		}
		v["company.idealCustomerProfile"] = strconv.FormatBool(c.IdealCustomerProfile)
	}
	if o := f.Opportunity; o != nil {
		v["opportunity.name"], v["opportunity.stage"] = o.Name, o.Stage
		if o.Amount.AmountMicros != nil {
			v["opportunity.amount"] = crm.FormatMoney(*o.Amount.AmountMicros, o.Amount.CurrencyCode)
		}
	}
	w := f.Whop
	if w.Member {
		v["whop.membershipStatus"], v["whop.plan"] = w.MembershipStatus, w.Plan
		v["whop.tenureDays"] = strconv.Itoa(w.TenureDays)
		v["whop.cancelAtPeriodEnd"] = strconv.FormatBool(w.CancelAtPeriodEnd)
	}
	v["whop.payments"], v["whop.failedPayments"] = strconv.Itoa(w.Payments), strconv.Itoa(w.FailedPayments)
	if w.Currency != "" {
		v["whop.lifetimeValue"] = crm.FormatMoney(w.LifetimeValueMicros, w.Currency)
	}
	v["notes"] = f.notesText(maxContextChar / 2)
	var b strings.Builder
	for _, t := range f.Tasks {
		fmt.Fprintf(&b, "- [%s] %s", t.Status, cut(t.Title, maxFieldChars))
		if t.DueAt != nil {
			fmt.Fprintf(&b, " (due %s)", t.DueAt.Format("2006-01-02"))
		}
		b.WriteByte('\n')
	}
	v["tasks"] = strings.TrimSpace(b.String())
	b.Reset()
	for _, a := range f.Timeline {
		fmt.Fprintf(&b, "- %s %s\n", a.At.Format("2006-01-02"), cut(a.Text, maxFieldChars))
	}
	v["timeline"] = strings.TrimSpace(b.String())
	return v
}

// notesText lists the notes newest first until budget characters are used.
func (f *Facts) notesText(budget int) string {
	var b strings.Builder
	for _, n := range f.Notes {
		entry := fmt.Sprintf("- %s %s: %s\n", n.CreatedAt.Format("2006-01-02"), cut(n.Title, maxFieldChars), cut(n.Body, maxNoteChars))
		if b.Len()+len(entry) > budget {
			break
		}
		b.WriteString(entry)
	}
	return strings.TrimSpace(b.String())
}

// cut shortens s to at most n bytes on a rune boundary, marking the cut.
func cut(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
