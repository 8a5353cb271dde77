package whopstatus_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/whop"
	"github.com/roster-crm/roster/internal/whopstatus"
)

// documented is the membership status enum as Whop documents it (the
// reference and the client's constants); the list is written out here, not
// taken from the package, so a status missing from the package fails.
var documented = []string{
	"trialing", "active", "past_due", "completed", "canceled", "expired", "unresolved", "drafted", "canceling",
	whop.MembershipTrialing, whop.MembershipActive, whop.MembershipPastDue, whop.MembershipCompleted,
	whop.MembershipCanceled, whop.MembershipExpired, whop.MembershipUnresolved, whop.MembershipDrafted, whop.MembershipCanceling,
}

func TestEveryDocumentedStatusHasLabelAndTone(t *testing.T) {
	for _, s := range documented {
		if !whopstatus.Known(s) {
			t.Errorf("Known(%q) = false; want true", s)
		}
		if l := whopstatus.Label(s); l == "" || l == s && strings.Contains(s, "_") {
			t.Errorf("Label(%q) = %q; want words", s, l)
		}
		if tone := whopstatus.ToneOf(s); tone == "" {
			t.Errorf("ToneOf(%q) is empty", s)
		}
		if !slices.Contains(whopstatus.All, s) {
			t.Errorf("All misses %q", s)
		}
	}
	if len(whopstatus.All) != 9 {
		t.Errorf("All = %v; want the 9 documented statuses", whopstatus.All)
	}
}

// TestDocsListEveryStatus reads the enum from docs/whop.md's stage mapping
// table, so the user documentation cannot drift from the code either.
func TestDocsListEveryStatus(t *testing.T) {
	b, err := os.ReadFile("../../docs/whop.md")
	if err != nil {
		t.Fatal(err)
	}
	inDocs := map[string]bool{}
	for _, m := range regexp.MustCompile(`"([a-z_]+)":"(?:NEW|PROPOSAL|CUSTOMER|CHURNED)"`).FindAllStringSubmatch(string(b), -1) {
		inDocs[m[1]] = true
	}
	for _, s := range whopstatus.All {
		if !inDocs[s] {
			t.Errorf("docs/whop.md stage mapping misses %q", s)
		}
	}
	for s := range inDocs {
		if !whopstatus.Known(s) {
			t.Errorf("docs/whop.md names %q, which whopstatus does not know", s)
		}
	}
}

func subset(t *testing.T, name string, sub []string, superName string, super []string) {
	t.Helper()
	for _, s := range sub {
		if !slices.Contains(super, s) {
			t.Errorf("%s has %q, which is not in %s %v", name, s, superName, super)
		}
	}
}

func TestSetsAgree(t *testing.T) {
	subset(t, "Recurring", whopstatus.Recurring, "Access", whopstatus.Access)
	subset(t, "OneTime", whopstatus.OneTime, "Access", whopstatus.Access)
	subset(t, "Paying", whopstatus.Paying, "Recurring", whopstatus.Recurring)
	subset(t, "Renewing", whopstatus.Renewing, "Recurring", whopstatus.Recurring)
	subset(t, "AtRisk", whopstatus.AtRisk, "Access", whopstatus.Access)
	for _, s := range whopstatus.Churned {
		if whopstatus.In(whopstatus.Access, s) {
			t.Errorf("churned status %q grants access", s)
		}
		if whopstatus.ToneOf(s) == whopstatus.ToneSuccess {
			t.Errorf("ToneOf(%q) = success for a churned status", s)
		}
	}
	for _, s := range whopstatus.OneTime {
		if whopstatus.In(whopstatus.Recurring, s) {
			t.Errorf("one-time status %q is also recurring", s)
		}
	}
	for _, s := range whopstatus.AtRisk {
		if whopstatus.ToneOf(s) == whopstatus.ToneSuccess {
			t.Errorf("ToneOf(%q) = success for an at-risk status", s)
		}
	}
	if got := whopstatus.ToneOf(whopstatus.Canceling); got != whopstatus.ToneWarning {
		t.Errorf("ToneOf(canceling) = %q; want warning (still a member, but leaving)", got)
	}
	if whopstatus.In(whopstatus.Paying, whopstatus.Trialing) {
		t.Error("a trial counts as paying")
	}
}

func TestLabelAndLookup(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"past_due", "Past due"}, {"PAST_DUE", "Past due"}, {"cancelled", "Canceled"}, {"mystery", "mystery"},
	} {
		if got := whopstatus.Label(tc.in); got != tc.want {
			t.Errorf("Label(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
	if whopstatus.ToneOf("mystery") != whopstatus.ToneNeutral {
		t.Error("an unknown status is not neutral")
	}
	if whopstatus.In(whopstatus.All, "mystery") {
		t.Error("In(All, mystery) = true")
	}
}
