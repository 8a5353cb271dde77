package ai

import (
	"fmt"
	"strings"

	"github.com/roster-crm/roster/internal/whopstatus"
)

// The offline lead score (rules-v1): a base of 20 points plus fit points
// (who the person is) and engagement points (what they do and pay), every
// rule that fired listed as a reason with its points, the total clamped to
// 0..100. Tiers: HOT from 70, WARM from 40, COLD below. The rules are
// fixed and documented in docs/ai.md so a score can be argued with.
const (
	leadBase    = 20
	hotFrom     = 70
	warmFrom    = 40
	recentDays  = 14
	silentDays  = 60
	maxFitScore = 40
)

var seniorTitles = []string{"ceo", "cto", "cfo", "coo", "founder", "owner", "president", "vp", "vice president", "head", "director", "chief", "partner"}
var midTitles = []string{"manager", "lead", "principal", "senior"}

var freeMail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "yahoo.com": true, "hotmail.com": true, "outlook.com": true, "live.com": true,
	"icloud.com": true, "me.com": true, "aol.com": true, "proton.me": true, "protonmail.com": true, "gmx.com": true, "gmx.de": true,
	"mail.com": true, "yandex.com": true, "web.de": true,
}

// LeadScore is a score with its reasons.
type LeadScore struct {
	Score      int
	Tier       string
	Fit        int
	Engagement int
	Reasons    []string
}

// TierOf returns the tier of a score.
func TierOf(score int) string {
	switch {
	case score >= hotFrom:
		return TierHot
	case score >= warmFrom:
		return TierWarm
	}
	return TierCold
}

// ScoreLead applies the rules to a record's facts. It is deterministic for
// given facts (Facts.Now included).
func ScoreLead(f *Facts) LeadScore {
	var ls LeadScore
	add := func(group *int, pts int, why string, args ...any) {
		*group += pts
		ls.Reasons = append(ls.Reasons, fmt.Sprintf("%+d %s", pts, fmt.Sprintf(why, args...)))
	}
	if p := f.Person; p != nil {
		title := strings.ToLower(p.JobTitle)
		switch {
		case containsWord(title, seniorTitles):
			add(&ls.Fit, 15, "job title %q is senior", p.JobTitle)
		case containsWord(title, midTitles):
			add(&ls.Fit, 8, "job title %q", p.JobTitle)
		}
		if at := strings.LastIndexByte(p.Emails.PrimaryEmail, '@'); at >= 0 {
			if domain := p.Emails.PrimaryEmail[at+1:]; !freeMail[domain] {
				add(&ls.Fit, 5, "work email domain %s", domain)
			}
		}
	}
	if c := f.Company; c != nil {
		if c.IdealCustomerProfile {
			add(&ls.Fit, 10, "company %s is an ideal customer profile", c.Name)
		}
		if c.Employees != nil {
			switch {
			case *c.Employees >= 500:
				add(&ls.Fit, 10, "company has %d employees", *c.Employees)
			case *c.Employees >= 50:
				add(&ls.Fit, 5, "company has %d employees", *c.Employees)
			}
		}
	}
	if ls.Fit > maxFitScore {
		ls.Reasons = append(ls.Reasons, fmt.Sprintf("fit capped at %d", maxFitScore))
		ls.Fit = maxFitScore
	}
	w := f.Whop
	if w.Member {
		switch {
		case w.MembershipStatus == "past_due" || w.MembershipStatus == "unresolved":
			add(&ls.Engagement, -10, "membership is %s", w.MembershipStatus)
		case whopstatus.In(whopstatus.Access, w.MembershipStatus):
			add(&ls.Engagement, 20, "membership is %s", w.MembershipStatus)
		case w.MembershipStatus != "":
			add(&ls.Engagement, -15, "membership is %s", w.MembershipStatus)
		}
		switch {
		case w.TenureDays >= 180:
			add(&ls.Engagement, 10, "member for %d days", w.TenureDays)
		case w.TenureDays >= 30:
			add(&ls.Engagement, 5, "member for %d days", w.TenureDays)
		}
		if w.CancelAtPeriodEnd {
			add(&ls.Engagement, -20, "membership cancels at the period end")
		}
	}
	switch {
	case w.Payments >= 3:
		add(&ls.Engagement, 10, "%d successful payments", w.Payments)
	case w.Payments >= 1:
		add(&ls.Engagement, 5, "%d successful payment(s)", w.Payments)
	}
	if w.FailedPayments > 0 {
		add(&ls.Engagement, -8*min(w.FailedPayments, 3), "%d failed payment(s)", w.FailedPayments)
	}
	if o := f.Opportunity; o != nil {
		switch o.Stage {
		case "CUSTOMER":
			add(&ls.Engagement, 15, "opportunity stage CUSTOMER")
		case "PROPOSAL":
			add(&ls.Engagement, 10, "opportunity stage PROPOSAL")
		case "MEETING":
			add(&ls.Engagement, 6, "opportunity stage MEETING")
		case "CHURNED":
			add(&ls.Engagement, -25, "opportunity stage CHURNED")
		}
	}
	if len(f.Notes) >= 3 {
		add(&ls.Engagement, 5, "%d notes", len(f.Notes))
	}
	if f.LastActivity != nil {
		days := int(f.Now.Sub(*f.LastActivity).Hours() / 24)
		switch {
		case days <= recentDays:
			add(&ls.Engagement, 10, "activity %d day(s) ago", days)
		case days >= silentDays:
			add(&ls.Engagement, -10, "no activity for %d days", days)
		}
	} else {
		add(&ls.Engagement, -5, "no notes, tasks or activity")
	}
	if len(f.Notes) > 0 {
		var text strings.Builder
		for _, n := range f.Notes[:min(len(f.Notes), 5)] {
			text.WriteString(n.Title + ". " + n.Body + "\n")
		}
		switch s := ScoreSentiment(text.String()); s.Label {
		case LabelNegative:
			add(&ls.Engagement, -10, "recent notes sound negative (%.2f)", s.Score)
		case LabelPositive:
			add(&ls.Engagement, 5, "recent notes sound positive (%.2f)", s.Score)
		}
	}
	ls.Score = max(0, min(100, leadBase+ls.Fit+ls.Engagement))
	ls.Tier = TierOf(ls.Score)
	return ls
}

// containsWord reports whether title has one of words as a whole word.
func containsWord(title string, words []string) bool {
	padded := " " + strings.Map(func(r rune) rune {
		if r == ',' || r == '/' || r == '-' || r == '&' || r == '.' {
			return ' '
		}
		return r
	}, title) + " "
	for _, w := range words {
		if strings.Contains(padded, " "+w+" ") {
			return true
		}
	}
	return false
}
