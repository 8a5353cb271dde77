package web

import (
	"strings"

	"github.com/roster-crm/roster/internal/crm"
)

// recordKind ties a standard object to its pages: one set of generic
// handlers serves people, companies and opportunities, so the three record
// pages behave the same and stay in step.
type recordKind struct {
	o    *crm.Object
	base string // "/people"
	noun string // "person", for messages
}

func recordKinds() []recordKind {
	return []recordKind{
		{o: crm.PersonObject, base: "/people", noun: "person"},
		{o: crm.CompanyObject, base: "/companies", noun: "company"},
		{o: crm.OpportunityObject, base: "/opportunities", noun: "opportunity"},
	}
}

// kindOf returns the record kind of a standard object.
func kindOf(o *crm.Object) recordKind {
	for _, k := range recordKinds() {
		if k.o == o {
			return k
		}
	}
	return recordKind{o: o, base: "/" + o.Plural, noun: string(o.Name)}
}

// href is the record page of id.
func (k recordKind) href(id string) string { return k.base + "/" + id }

// recordName is how a record is called in headings, links and messages.
func recordName(r crm.Record) string {
	var s string
	switch v := r.(type) {
	case *crm.Person:
		s = strings.TrimSpace(v.Name.FirstName + " " + v.Name.LastName)
		if s == "" {
			s = v.Emails.PrimaryEmail
		}
		if s == "" {
			s = v.WhopUsername
		}
	case *crm.Company:
		s = v.Name
	case *crm.Opportunity:
		s = v.Name
	case *crm.Note:
		s = v.Title
	case *crm.Task:
		s = v.Title
	}
	if s == "" {
		s = "Untitled"
	}
	return s
}

// flashText shortens a record name for a flash message, which travels in a
// cookie: ASCII only survives there, and it must stay small.
func flashText(s string) string {
	var b []rune
	for _, c := range s {
		if c >= 0x20 && c < 0x7f && c != '"' && c != ';' && c != '\\' {
			b = append(b, c)
		}
		if len(b) >= 60 {
			b = append(b, '.', '.', '.')
			break
		}
	}
	return string(b)
}
