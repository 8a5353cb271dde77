package ai

import (
	"fmt"
	"regexp"
	"strings"
)

// Redaction of personal data before a cloud call: email addresses and
// phone numbers become stable placeholders ([EMAIL_1], [PHONE_1]) for the
// length of one call, and drafts get the real values back. Workspaces can
// switch it off in Settings -> AI; the offline provider never needs it.
var (
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	// phonePattern: an optional +, then 7 to 15 digits with spaces, dots,
	// dashes or brackets between them; dates (2026-01-02) have too few
	// digits to match.
	phonePattern = regexp.MustCompile(`\+?\(?\d[\d\s().\-]{6,18}\d`)
	isoDate      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// redactor holds one call's placeholders.
type redactor struct {
	values map[string]string // placeholder -> value
	byVal  map[string]string // value -> placeholder
	counts map[string]int
}

func newRedactor() *redactor {
	return &redactor{values: map[string]string{}, byVal: map[string]string{}, counts: map[string]int{}}
}

// Redact replaces emails and phone numbers in s.
func (r *redactor) Redact(s string) string {
	s = emailPattern.ReplaceAllStringFunc(s, func(m string) string { return r.placeholder("EMAIL", m) })
	return phonePattern.ReplaceAllStringFunc(s, func(m string) string {
		digits := 0
		for _, c := range m {
			if c >= '0' && c <= '9' {
				digits++
			}
		}
		if digits < 7 || digits > 15 || isoDate.MatchString(m) {
			return m
		}
		return r.placeholder("PHONE", m)
	})
}

func (r *redactor) placeholder(kind, value string) string {
	if p, ok := r.byVal[value]; ok {
		return p
	}
	r.counts[kind]++
	p := fmt.Sprintf("[%s_%d]", kind, r.counts[kind])
	r.values[p], r.byVal[value] = value, p
	return p
}

// Count is how many distinct values were replaced.
func (r *redactor) Count() int { return len(r.values) }

// Restore puts the real values back.
func (r *redactor) Restore(s string) string {
	if len(r.values) == 0 {
		return s
	}
	pairs := make([]string, 0, 2*len(r.values))
	for p, v := range r.values {
		pairs = append(pairs, p, v)
	}
	return strings.NewReplacer(pairs...).Replace(s)
}
