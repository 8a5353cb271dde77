package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// tblCreate creates records of one object and returns their IDs in order.
func tblCreate(t *testing.T, recs *records.Service, ws string, o *crm.Object, in ...crm.Input) []string {
	t.Helper()
	out, err := recs.Create(context.Background(), records.CreateParams{WorkspaceID: ws, Object: o,
		Actor: crm.Actor{Source: crm.SourceManual, Name: "test"}, Inputs: in})
	if err != nil {
		t.Fatalf("create %s: %v", o.Plural, err)
	}
	ids := make([]string, len(out))
	for i, r := range out {
		ids[i] = r.Meta().ID
	}
	return ids
}

// tblPerson is a person input.
func tblPerson(first, last, email, city string) crm.Input {
	return crm.Input{"name": map[string]any{"firstName": first, "lastName": last}, "emails": map[string]any{"primaryEmail": email}, "city": city}
}

// tblMember adds a member (not admin) to ws and signs b in as them.
func tblMember(t *testing.T, site *site, b *browser, ws, email string) {
	t.Helper()
	if _, err := site.auth.AddMember(context.Background(), auth.AddMemberParams{WorkspaceID: ws, Email: email, Name: "Member", Password: "password-123", Role: auth.RoleMember}); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := b.post("/login", url.Values{"email": {email}, "password": {"password-123"}}); code != http.StatusSeeOther {
		t.Fatalf("member sign in: %d", code)
	}
}

// tblOtherWorkspace creates a second workspace with its own admin and
// signs b in there.
func tblOtherWorkspace(t *testing.T, site *site, b *browser) string {
	t.Helper()
	ws, _, err := site.auth.CreateWorkspace(context.Background(), auth.CreateWorkspaceParams{Name: "Other", AdminEmail: "eve@other.test", AdminPassword: "password-123", AdminName: "Eve"})
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := b.post("/login", url.Values{"email": {"eve@other.test"}, "password": {"password-123"}}); code != http.StatusSeeOther {
		t.Fatalf("other sign in: %d", code)
	}
	return ws.ID
}

var tblRowRE = regexp.MustCompile(`<tr>\s*<td><a href="/(?:people|companies|opportunities)/[^"]+">([^<]*)</a>`)

// tblNames returns the record names of a table page's rows, in order.
func tblNames(body string) []string {
	var out []string
	for _, m := range tblRowRE.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

var tblHrefRE = func(text string) *regexp.Regexp {
	return regexp.MustCompile(`<a class="btn" href="([^"]+)" rel="(?:prev|next)">` + text + `</a>`)
}

// tblLink returns the href of a pager link ("Next page"), or "".
func tblLink(body, text string) string {
	m := tblHrefRE(text).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func tblSame(got, want []string) bool {
	return strings.Join(got, "|") == strings.Join(want, "|")
}
