package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// auditRows returns the audit page's rows as text, one string per entry.
func auditRows(t *testing.T, body string) []string {
	t.Helper()
	table := regexp.MustCompile(`(?s)<tbody>(.*?)</tbody>`).FindStringSubmatch(body)
	if table == nil {
		return nil
	}
	var out []string
	for _, row := range regexp.MustCompile(`(?s)<tr>(.*?)</tr>`).FindAllStringSubmatch(table[1], -1) {
		text := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(row[1], " ")
		out = append(out, strings.Join(strings.Fields(text), " "))
	}
	return out
}

func TestAuditLogPage(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSettingsSite(t, s, false)
		admin := site.browser()
		ws := site.signIn(admin)
		member := site.member(ws, "mo@acme.test", auth.RoleMember)
		ctx := context.Background()
		log := site.auth.AuditLog()

		t.Run("members cannot read it", func(t *testing.T) {
			if code, _, _ := member.get("/settings/audit-log"); code != http.StatusForbidden {
				t.Errorf("member GET /settings/audit-log = %d; want 403", code)
			}
			if _, body, _ := member.get("/settings"); strings.Contains(body, `href="/settings/audit-log"`) {
				t.Error("a member's settings tabs link to the audit log")
			}
			if _, body, _ := admin.get("/settings"); !strings.Contains(body, `href="/settings/audit-log"`) {
				t.Error("an admin's settings tabs do not link to the audit log")
			}
		})

		t.Run("actions through the UI are on it", func(t *testing.T) {
			moID := memberID(t, site, ws, "mo@acme.test")
			if code, _, _ := admin.settingsPost("/settings/members", "/settings/members/"+moID+"/role", url.Values{"role": {"admin"}}); code != http.StatusSeeOther {
				t.Fatalf("role change = %d", code)
			}
			// A member exports too, and is named.
			site.member(ws, "cy@acme.test", auth.RoleMember)
			cy := site.browser()
			if code, _, _ := cy.post("/login", url.Values{"email": {"cy@acme.test"}, "password": {"password-456"}}); code != http.StatusSeeOther {
				t.Fatal("cy cannot sign in")
			}
			if code, _, _ := cy.get("/people/export.csv?q=ada"); code != http.StatusOK {
				t.Fatalf("export = %d", code)
			}
			code, body, _ := admin.get("/settings/audit-log")
			if code != http.StatusOK {
				t.Fatalf("GET /settings/audit-log = %d", code)
			}
			rows := auditRows(t, body)
			if len(rows) < 3 || !strings.Contains(rows[0], "CSV export") || !strings.Contains(rows[0], "Mo Member") {
				t.Fatalf("newest rows = %q; want the member's CSV export first", rows)
			}
			if !strings.Contains(rows[0], "people") || !strings.Contains(rows[0], "view") || !strings.Contains(rows[0], "q=ada") {
				t.Errorf("export row = %q; want the object and the view exported", rows[0])
			}
			if !strings.Contains(body, "Member role changed") || !strings.Contains(body, "mo@acme.test") {
				t.Error("the page does not show the role change of mo@acme.test")
			}
			if !regexp.MustCompile(`<time datetime="[0-9T:-]+Z" title="[^"]+ UTC">just now</time>`).MatchString(body) {
				t.Error("times are not relative with the exact time on hover")
			}
		})

		t.Run("filters and pages", func(t *testing.T) {
			key := audit.APIKey("key-1", "Zapier")
			for i := range 55 {
				if err := log.Record(ctx, ws, audit.Entry{Action: audit.ExportCSV, Actor: key, Details: map[string]any{"n": i}}); err != nil {
					t.Fatal(err)
				}
			}
			_, body, _ := admin.get("/settings/audit-log?actor=key-1")
			rows := auditRows(t, body)
			if len(rows) != 50 || !strings.Contains(rows[0], "Zapier API key") || !strings.Contains(rows[0], "n 54") {
				t.Fatalf("first page of the key's entries = %d rows, first %q; want 50, newest (n 54) first", len(rows), rows[0])
			}
			older := regexp.MustCompile(`href="(/settings/audit-log\?[^"]+)" rel="next"`).FindStringSubmatch(body)
			if older == nil {
				t.Fatal("no Older entries link on a full page")
			}
			_, body, _ = admin.get(strings.ReplaceAll(older[1], "&amp;", "&"))
			rows = auditRows(t, body)
			if len(rows) != 5 || !strings.Contains(rows[4], "n 0") || strings.Contains(body, `rel="next"`) || !strings.Contains(body, "Newest entries") {
				t.Errorf("second page = %q; want the 5 oldest, a way back and no further page", rows)
			}
			_, body, _ = admin.get("/settings/audit-log?action=member.role_changed")
			if rows := auditRows(t, body); len(rows) != 1 || !strings.Contains(rows[0], "Member role changed") {
				t.Errorf("filtered by role changes = %q; want the one", rows)
			}
			if !strings.Contains(body, `<option value="member.role_changed" selected>`) {
				t.Error("the applied action filter is not selected in the form")
			}
			_, body, _ = admin.get("/settings/audit-log?action=member.role_changed&actor=key-1")
			if rows := auditRows(t, body); len(rows) != 0 || !strings.Contains(body, "No entries match") {
				t.Errorf("filtered to nothing = %q; want the empty state", rows)
			}
			if code, _, _ := admin.get("/settings/audit-log?action=member.deleted"); code != http.StatusBadRequest {
				t.Errorf("unknown action = %d; want 400", code)
			}
		})

		t.Run("another workspace's entries stay there", func(t *testing.T) {
			other, _, err := site.auth.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: "Other", AdminEmail: "zed@other.test", AdminPassword: "password-zed"})
			if err != nil {
				t.Fatal(err)
			}
			if err := log.Record(ctx, other.ID, audit.Entry{Action: audit.BackupCreated, Actor: audit.System("roster CLI")}); err != nil {
				t.Fatal(err)
			}
			_, body, _ := admin.get("/settings/audit-log?action=backup.created")
			if rows := auditRows(t, body); len(rows) != 0 {
				t.Errorf("A's log shows %q of workspace Other", rows)
			}
		})
	})
}

func TestExportAudited(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		ws := site.signIn(b)
		tblCreate(t, site.records, ws, crm.PersonObject, tblPerson("Ada", "Lovelace", "ada@x.test", "Berlin"), tblPerson("Cy", "Young", "cy@x.test", "Paris"))
		if code, _, _ := b.get("/people/export.csv?f=city&o=eq&v=Berlin&c=email"); code != http.StatusOK {
			t.Fatalf("export = %d", code)
		}
		pg, err := site.auth.AuditLog().List(context.Background(), ws, audit.ListParams{Filter: audit.Filter{Actions: []audit.Action{audit.ExportCSV}}})
		if err != nil || len(pg.Events) != 1 {
			t.Fatalf("export entries = %v, %v; want 1", pg, err)
		}
		e := pg.Events[0]
		if e.Actor.Kind != audit.ActorMember || e.Actor.Name != "Ada Admin" || e.Target.Label != "people" ||
			e.Details["rows"] != float64(1) || e.Details["columns"] != float64(2) || !strings.Contains(fmt.Sprint(e.Details["view"]), "v=Berlin") {
			t.Errorf("export entry = %+v; want Ada Admin exporting 1 person, 2 columns, the Berlin view", e)
		}
		// A refused export (a bad filter) is not audited.
		if code, _, _ := b.get("/people/export.csv?f=nope&o=eq&v=x"); code == http.StatusOK {
			t.Errorf("export with an unknown filter field = %d; want an error", code)
		}
		if pg, _ := site.auth.AuditLog().List(context.Background(), ws, audit.ListParams{Filter: audit.Filter{Actions: []audit.Action{audit.ExportCSV}}}); len(pg.Events) != 1 {
			t.Errorf("export entries after a refused export = %d; want still 1", len(pg.Events))
		}
	})
}
