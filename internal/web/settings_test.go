package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestSettingsRoles(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSettingsSite(t, s, false)
		admin := site.browser()
		ws := site.signIn(admin)
		if code, _, h := site.browser().get("/settings"); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Fatalf("GET /settings signed out = %d %s; want the sign-in page", code, h.Get("Location"))
		}
		member := site.member(ws, "mo@acme.test", auth.RoleMember)
		for _, path := range []string{"/settings", "/settings/members", "/settings/integrations/whop"} {
			if code, _, _ := member.get(path); code != http.StatusOK {
				t.Errorf("member GET %s = %d; want 200", path, code)
			}
		}
		_, body, _ := member.get("/settings")
		if strings.Contains(body, `href="/settings/api-keys"`) || !strings.Contains(body, ">Integrations</a>") {
			t.Error("member's settings tabs: want Integrations and no API keys tab")
		}
		for _, path := range []string{"/settings/api-keys", "/settings/fields"} {
			if code, _, _ := member.get(path); code != http.StatusForbidden {
				t.Errorf("member GET %s = %d; want 403", path, code)
			}
		}
		adminID := memberID(t, site, ws, "admin@acme.test")
		posts := map[string]url.Values{
			"/settings/workspace":                      {"name": {"Hacked"}},
			"/settings/members/invite":                 {"email": {"eve@acme.test"}, "role": {"admin"}},
			"/settings/members/" + adminID + "/role":   {"role": {"member"}},
			"/settings/members/" + adminID + "/remove": nil,
			"/settings/api-keys":                       {"name": {"sneaky"}},
			"/settings/fields":                         {"object": {"person"}, "name": {"sneaky"}, "type": {"TEXT"}},
			"/settings/integrations/whop/connect":      {"api_key": {"k"}, "company_id": {"biz_x"}},
			"/settings/integrations/whop/mapping":      {"stage_active": {"NEW"}},
			"/settings/integrations/whop/disconnect":   {"confirm": {"DISCONNECT"}},
		}
		for path, form := range posts {
			if code, _, _ := member.settingsPost("/settings", path, form); code != http.StatusForbidden {
				t.Errorf("member POST %s = %d; want 403", path, code)
			}
		}
		ms, _ := site.auth.ListMembers(context.Background(), ws)
		if len(ms) != 2 || ms[0].Role != "admin" {
			t.Errorf("members after a member's attempts = %+v; want unchanged", ms)
		}
		// Admin: rename, and the last admin stays an admin.
		if code, body, _ := admin.settingsPost("/settings", "/settings/workspace", url.Values{"name": {" "}}); code != http.StatusBadRequest || !strings.Contains(body, `id="name-error"`) {
			t.Errorf("rename to blank = %d; want 400 with name-error", code)
		}
		if code, _, _ := admin.settingsPost("/settings", "/settings/workspace", url.Values{"name": {"Acme Inc"}}); code != http.StatusSeeOther {
			t.Errorf("rename = %d; want 303", code)
		}
		if _, body, _ := admin.get("/settings"); !strings.Contains(body, `value="Acme Inc"`) {
			t.Error("renamed workspace name not shown")
		}
		code, body, _ := admin.settingsPost("/settings/members", "/settings/members/"+adminID+"/role", url.Values{"role": {"member"}})
		if code != http.StatusBadRequest || !strings.Contains(body, "at least one admin") {
			t.Errorf("demote the last admin = %d; want 400 saying a workspace needs an admin", code)
		}
		moID := memberID(t, site, ws, "mo@acme.test")
		if code, _, _ := admin.settingsPost("/settings/members", "/settings/members/"+moID+"/role", url.Values{"role": {"admin"}}); code != http.StatusSeeOther {
			t.Errorf("promote = %d; want 303", code)
		}
		if code, _, _ := member.get("/settings/api-keys"); code != http.StatusOK {
			t.Errorf("promoted member GET /settings/api-keys = %d; want 200 at once", code)
		}
		if code, body, _ := admin.get("/settings/members/" + moID + "/remove"); code != http.StatusOK || !strings.Contains(body, "Remove from workspace") {
			t.Errorf("remove confirmation = %d", code)
		}
		if code, _, _ := admin.settingsPost("/settings/members", "/settings/members/"+moID+"/remove", nil); code != http.StatusSeeOther {
			t.Errorf("remove = %d; want 303", code)
		}
		if code, _, _ := member.get("/settings"); code != http.StatusSeeOther {
			t.Errorf("removed member GET /settings = %d; want signed out", code)
		}
	})
}

// memberID returns the user ID of a workspace member by email.
func memberID(t *testing.T, site *settingsSite, ws, email string) string {
	t.Helper()
	ms, err := site.auth.ListMembers(context.Background(), ws)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Email == email {
			return m.UserID
		}
	}
	t.Fatalf("no member %s", email)
	return ""
}
