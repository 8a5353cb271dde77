package web

import (
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// tableSpec describes one object's table page (people, companies,
// opportunities): its columns, its default sort and which Whop filters it
// offers. The page, the export and the saved views all read from it, so a
// column added here shows up in all three.
type tableSpec struct {
	obj   *crm.Object
	path  string // "/people"
	title string // "People"
	one   string // "person"
	many  string // "people"
	// columns in display order; the first is the record's name and is
	// always shown.
	columns []column
	// defaultSort is the column sorted by when the URL names none (newest
	// first).
	defaultSort string
	whop        whopMode
}

// whopMode says how a table applies the Whop filters.
type whopMode int

const (
	whopNone whopMode = iota
	// whopPerson: "synced" is the person's whopUserId; membership filters
	// match people through their opportunities.
	whopPerson
	// whopOpportunity: every filter is a field of the opportunity itself.
	whopOpportunity
)

// column is one table column.
type column struct {
	key   string
	label string
	// sort is the field path ordered by when the header is clicked; empty
	// when the column cannot be sorted.
	sort string
	num  bool // right-aligned, tabular figures
	def  bool // shown when the URL chooses no columns
	// value renders the cell from the record and the page's batched lookups.
	value func(r crm.Record, l *lookups) cell
}

// cell is a rendered value: text, optionally a link and a badge.
type cell struct {
	Text  string
	Href  string
	Badge string // badge text ("Whop")
	Class string // badge class
	// CSV is the export value when it differs from Text (dates in ISO-8601).
	CSV *string
}

// csv is the cell's export text.
func (c cell) csv() string {
	if c.CSV != nil {
		return *c.CSV
	}
	if c.Badge != "" && c.Text != "" {
		return c.Badge + " " + c.Text
	}
	if c.Badge != "" {
		return c.Badge
	}
	return c.Text
}

// lookups are the related names a page needs, fetched once per page with
// records.GetMany rather than once per row.
type lookups struct {
	companies map[string]crm.Record
	people    map[string]crm.Record
	products  map[string]string // Whop product ID -> title
}

func (l *lookups) companyName(id *string) (string, string) {
	if id == nil || l == nil {
		return "", ""
	}
	if c, ok := l.companies[*id].(*crm.Company); ok {
		return c.Name, "/companies/" + c.ID
	}
	return "", ""
}

func (l *lookups) personName(id *string) (string, string) {
	if id == nil || l == nil {
		return "", ""
	}
	if p, ok := l.people[*id].(*crm.Person); ok {
		return personLabel(p), "/people/" + p.ID
	}
	return "", ""
}

// personLabel is how a person is named in tables: full name, else email.
func personLabel(p *crm.Person) string {
	name := p.Name.FirstName
	if p.Name.LastName != "" {
		if name != "" {
			name += " "
		}
		name += p.Name.LastName
	}
	if name == "" {
		name = p.Emails.PrimaryEmail
	}
	if name == "" {
		name = "Unnamed person"
	}
	return name
}

func textCell(s string) cell { return cell{Text: s} }

func dateCell(t *time.Time) cell {
	if t == nil || t.IsZero() {
		return cell{}
	}
	iso := t.UTC().Format("2006-01-02")
	return cell{Text: t.UTC().Format("2 Jan 2006"), CSV: &iso}
}

func moneyCell(c crm.Currency) cell {
	if c.AmountMicros == nil {
		return cell{}
	}
	return cell{Text: formatMoney(*c.AmountMicros, c.CurrencyCode)}
}

func yesNo(b bool) cell {
	if b {
		return cell{Text: "Yes"}
	}
	return cell{Text: "No"}
}

// column returns the spec's column with key, if any.
func (t *tableSpec) column(key string) (column, bool) {
	for _, c := range t.columns {
		if c.key == key {
			return c, true
		}
	}
	return column{}, false
}
