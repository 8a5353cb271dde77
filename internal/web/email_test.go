package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

var outboxRowRE = regexp.MustCompile(`href="(/settings/email/[0-9a-f-]{36})"`)

// outboxLink opens the newest message of the signed-in admin's outbox and
// returns the link with prefix that it holds: where an admin finds an
// invite or reset link the log driver did not send.
func (b *browser) outboxLink(prefix string) string {
	b.t.Helper()
	code, list, _ := b.get("/settings/email")
	m := outboxRowRE.FindStringSubmatch(list)
	if code != http.StatusOK || m == nil {
		b.t.Fatalf("GET /settings/email = %d with no message link", code)
	}
	code, msg, _ := b.get(m[1])
	if code != http.StatusOK {
		b.t.Fatalf("GET %s = %d", m[1], code)
	}
	return settingsLinkIn(b.t, msg, prefix)
}

func TestEmailSettings(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSettingsSite(t, s, false)
		admin := site.browser()
		ws := site.signIn(admin)
		code, body, _ := admin.get("/settings/email")
		if code != http.StatusOK || !strings.Contains(body, "EMAIL_DRIVER=log") || !strings.Contains(body, "No emails yet") || !strings.Contains(body, `href="/settings/email" aria-current="page"`) {
			t.Fatalf("GET /settings/email = %d; want the log driver, an empty outbox and the tab current", code)
		}
		if code, _, _ := admin.settingsPost("/settings/members", "/settings/members/invite", url.Values{"email": {"bob@acme.test"}, "role": {"member"}}); code != http.StatusOK {
			t.Fatalf("invite = %d", code)
		}
		_, body, _ = admin.get("/settings/email")
		for _, want := range []string{"bob@acme.test", "Join Acme on Roster", "Invite", "Not sent (log driver)"} {
			if !strings.Contains(body, want) {
				t.Errorf("outbox page lacks %q", want)
			}
		}
		link := admin.outboxLink("http://roster.test/invite/")
		if code, _, _ := site.browser().get(strings.TrimPrefix(link, "http://roster.test")); code != http.StatusOK {
			t.Errorf("the outbox's invite link = %d; want the join page", code)
		}

		// Members may not read the outbox; other workspaces' messages are
		// not found.
		bob := site.member(ws, "carol@acme.test", auth.RoleMember)
		if code, _, _ := bob.get("/settings/email"); code != http.StatusForbidden {
			t.Errorf("member GET /settings/email = %d; want 403", code)
		}
		other, _, err := site.auth.CreateWorkspace(context.Background(), auth.CreateWorkspaceParams{Name: "Other", AdminEmail: "o@other.test", AdminPassword: "password-123"})
		if err != nil {
			t.Fatal(err)
		}
		res, err := site.mail.Send(context.Background(), &mail.Message{WorkspaceID: other.ID, Kind: mail.KindWorkflow, To: []string{"x@other.test"}, Subject: "Theirs", Body: "x"})
		if err != nil {
			t.Fatal(err)
		}
		if code, body, _ := admin.get("/settings/email/" + res.ID); code != http.StatusNotFound || strings.Contains(body, "Theirs") {
			t.Errorf("GET another workspace's email = %d; want 404", code)
		}
	})
}
