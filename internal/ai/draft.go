package ai

import (
	"strings"
)

// The offline email draft (template-v1): a greeting with the contact's
// first name, one sentence of context from the record (a cancellation at
// the period end, a failed payment, the newest note), the goal in the
// user's words as the call to action, and the sender's name. The tone
// picks the greeting and sign-off. It is a draft: nothing is sent.

// DraftInput is what a draft is made from.
type DraftInput struct {
	Facts  *Facts
	Goal   string
	Tone   string
	Sender string
}

// Draft is an email draft.
type Draft struct {
	Subject string
	Body    string
}

// DraftEmail fills the template with the record. It is deterministic.
func DraftEmail(in DraftInput) Draft {
	f := in.Facts
	first := "there"
	if f.Person != nil && strings.TrimSpace(f.Person.Name.FirstName) != "" {
		first = strings.TrimSpace(f.Person.Name.FirstName)
	}
	tone := strings.ToLower(strings.TrimSpace(in.Tone))
	greeting, closing := "Hi "+first+",", "Best regards,"
	switch {
	case strings.Contains(tone, "formal"):
		greeting, closing = "Dear "+first+",", "Kind regards,"
	case strings.Contains(tone, "friendly") || strings.Contains(tone, "warm") || strings.Contains(tone, "casual"):
		greeting, closing = "Hi "+first+"!", "Cheers,"
	}
	goal := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(in.Goal), "."))
	subject := "Following up"
	if goal != "" {
		subject = cut(strings.ToUpper(goal[:1])+goal[1:], 78)
	}
	var context string
	switch w := f.Whop; {
	case w.CancelAtPeriodEnd:
		context = "I noticed your membership is set to end at the close of the current period, and I wanted to reach out before it does."
	case w.FailedPayments > 0:
		context = "It looks like a recent payment for your membership did not go through, so I wanted to check in."
	case len(f.Notes) > 0 && strings.TrimSpace(f.Notes[0].Title) != "":
		context = "I am following up on our last conversation (\"" + cut(f.Notes[0].Title, 80) + "\")."
	case f.Opportunity != nil && f.Opportunity.Name != "":
		context = "I am following up about " + f.Opportunity.Name + "."
	default:
		context = "I wanted to get in touch personally."
	}
	var b strings.Builder
	b.WriteString(greeting + "\n\n" + context + "\n\n")
	if goal != "" {
		b.WriteString("I am writing about the following: " + goal + ".\n\n")
	}
	switch {
	case strings.Contains(tone, "formal"):
		b.WriteString("I would be glad to arrange a short call at your convenience.")
	case strings.Contains(tone, "direct") || strings.Contains(tone, "urgent"):
		b.WriteString("Could you reply with a time that suits you this week?")
	default:
		b.WriteString("Would you have a few minutes for a quick chat this week?")
	}
	b.WriteString("\n\n" + closing + "\n")
	if s := strings.TrimSpace(in.Sender); s != "" {
		b.WriteString(s + "\n")
	}
	return Draft{Subject: subject, Body: b.String()}
}
