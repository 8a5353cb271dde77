package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestRecordPagesShowEveryField(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		ws := site.signIn(b)
		ctx := context.Background()
		for _, d := range []crm.FieldDefinition{
			{Object: crm.ObjectPerson, Name: "tier", Label: "Tier", Type: crm.TypeSelect, Options: []crm.FieldOption{{Value: "GOLD", Label: "Gold"}, {Value: "SILVER", Label: "Silver"}}},
			{Object: crm.ObjectPerson, Name: "score", Label: "Lead score", Type: crm.TypeNumber},
		} {
			if _, err := site.records.CreateField(ctx, ws, d); err != nil {
				t.Fatal(err)
			}
		}
		co := site.create(ws, crm.CompanyObject, crm.Input{"name": "Acme Corp", "domainName": map[string]any{"primaryLinkUrl": "acme.test"}, "employees": 42})
		p := site.create(ws, crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Grace", "lastName": "Hopper"},
			"emails": map[string]any{"primaryEmail": "grace@acme.test"}, "jobTitle": "Rear Admiral", "city": "Arlington",
			"companyId": co.Meta().ID, "whopUserId": "user_123", "whopUsername": "gracehopper",
			"customFields": map[string]any{"tier": "GOLD", "score": 97.5}})
		o := site.create(ws, crm.OpportunityObject, crm.Input{"name": "Pickaxe - Grace", "stage": "MEETING", "pointOfContactId": p.Meta().ID,
			"companyId": co.Meta().ID, "amount": map[string]any{"amountMicros": 25_000_000, "currencyCode": "USD"},
			"whopMembershipId": "mem_1", "whopMembershipStatus": "active", "whopManageUrl": "https://whop.com/manage/mem_1"})

		code, body, _ := b.get("/people/" + p.Meta().ID)
		if code != http.StatusOK {
			t.Fatalf("GET person = %d", code)
		}
		mustContain(t, "person page", body, `<dl class="fields">`, "<h1>Grace Hopper</h1>", "grace@acme.test", "Rear Admiral", "Arlington",
			"Job title", "Tier", "Gold", "Lead score", "97.5", `href="/companies/`+co.Meta().ID+`"`, "Acme Corp",
			`class="badge badge-whop" href="https://whop.com/dashboard/users/"`, "Users table of your Whop dashboard, where you can search for @gracehopper", ">Whop<", "user_123",
			`aria-label="Membership timeline"`, "Pickaxe - Grace", `aria-label="Activity timeline"`, "Person created")
		if strings.Contains(body, `/edit?field=whopUserId`) {
			t.Error("the synced whopUserId has an Edit link; want it read-only")
		}

		code, body, _ = b.get("/companies/" + co.Meta().ID)
		if code != http.StatusOK {
			t.Fatalf("GET company = %d", code)
		}
		mustContain(t, "company page", body, "<h1>Acme Corp</h1>", "42", "acme.test", `aria-labelledby="related-people-title"`,
			`href="/people/`+p.Meta().ID+`"`, `href="/opportunities/`+o.Meta().ID+`"`)

		code, body, _ = b.get("/opportunities/" + o.Meta().ID)
		if code != http.StatusOK {
			t.Fatalf("GET opportunity = %d", code)
		}
		mustContain(t, "opportunity page", body, "$25.00", "MEETING", `href="https://whop.com/dashboard/users/?tab=memberships"`,
			"Memberships table of your Whop dashboard, where you can search for mem_1", "Membership status: </span>Active",
			`href="/people/`+p.Meta().ID+`">Grace Hopper</a>`)

		if code, _, _ := b.get("/people/" + o.Meta().ID); code != http.StatusNotFound {
			t.Errorf("GET /people/<an opportunity id> = %d; want 404", code)
		}
		if code, _, _ := b.get("/people/not-a-uuid"); code != http.StatusNotFound {
			t.Errorf("GET /people/not-a-uuid = %d; want 404", code)
		}
	})
}

func TestRecordEditInPlace(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		ws := site.signIn(b)
		if _, err := site.records.CreateField(context.Background(), ws, crm.FieldDefinition{Object: crm.ObjectPerson, Name: "tier", Label: "Tier", Type: crm.TypeSelect,
			Options: []crm.FieldOption{{Value: "GOLD", Label: "Gold"}}}); err != nil {
			t.Fatal(err)
		}
		co := site.create(ws, crm.CompanyObject, crm.Input{"name": "Initech"})
		p := site.create(ws, crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Ada"}, "emails": map[string]any{"primaryEmail": "ada@x.test"}})
		path := "/people/" + p.Meta().ID

		code, body, _ := b.get(path + "/edit?field=emails")
		if code != http.StatusOK {
			t.Fatalf("GET edit = %d", code)
		}
		mustContain(t, "edit form", body, `<input type="hidden" name="fields" value="emails">`, `<label for="f-emails-primaryEmail">Primary email</label>`,
			`name="f.emails.primaryEmail" type="email" value="ada@x.test"`, "autofocus")
		csrf := b.csrf(path)

		tests := []struct {
			name      string
			form      url.Values
			wantCode  int
			wantParts []string
		}{
			{"bad email", url.Values{"fields": {"emails"}, "f.emails.primaryEmail": {"not an email"}}, http.StatusBadRequest,
				[]string{`aria-invalid="true" aria-describedby="f-emails-primaryEmail-error"`, `<p class="field-error" id="f-emails-primaryEmail-error">`, "is not a valid email address", `value="not an email"`}},
			{"bad option", url.Values{"fields": {"tier"}, "f.tier": {"PLATINUM"}}, http.StatusBadRequest,
				[]string{`id="f-tier-error"`, "is not one of GOLD"}},
			{"unknown company", url.Values{"fields": {"companyId"}, "f.companyId": {"Nobody Inc"}}, http.StatusBadRequest,
				[]string{`id="f-companyId-error"`, "No Company is called"}},
			{"nothing editable", url.Values{"fields": {"whopUserId"}, "f.whopUserId": {"user_x"}}, http.StatusBadRequest, nil},
			{"valid", url.Values{"fields": {"name", "tier", "companyId"}, "f.name.firstName": {"Ada"}, "f.name.lastName": {"Lovelace"}, "f.tier": {"GOLD"},
				"f.companyId": {"Initech"}}, http.StatusSeeOther, nil},
		}
		for _, tt := range tests {
			tt.form.Set("csrf_token", csrf)
			code, body, _ := b.post(path, tt.form)
			if code != tt.wantCode {
				t.Errorf("%s: POST = %d; want %d", tt.name, code, tt.wantCode)
			}
			mustContain(t, tt.name, body, tt.wantParts...)
		}
		got := site.get(ws, crm.PersonObject, p.Meta().ID).(*crm.Person)
		if got.Name.LastName != "Lovelace" || got.CustomFields["tier"] != "GOLD" || got.CompanyID == nil || *got.CompanyID != co.Meta().ID || got.Emails.PrimaryEmail != "ada@x.test" {
			t.Errorf("after edits: name %q tier %v company %v email %q; want Lovelace GOLD %s ada@x.test", got.Name.LastName, got.CustomFields["tier"], got.CompanyID, got.Emails.PrimaryEmail, co.Meta().ID)
		}
		_, body, _ = b.get(path)
		mustContain(t, "page after save", body, "Saved Name, Company and Tier.", "Changed Company, Last name and Tier")
	})
}

func TestRecordDeleteRestore(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		ws := site.signIn(b)
		co := site.create(ws, crm.CompanyObject, crm.Input{"name": "Globex"})
		path := "/companies/" + co.Meta().ID
		code, body, _ := b.get(path + "/delete")
		if code != http.StatusOK || !strings.Contains(body, "Delete Globex?") {
			t.Fatalf("GET delete = %d; want the confirmation page", code)
		}
		csrf := b.csrf(path)
		if code, _, h := b.post(path+"/delete", url.Values{"csrf_token": {csrf}}); code != http.StatusSeeOther || h.Get("Location") != path {
			t.Fatalf("POST delete = %d %s", code, h.Get("Location"))
		}
		if site.get(ws, crm.CompanyObject, co.Meta().ID).Meta().DeletedAt == nil {
			t.Fatal("company not soft-deleted")
		}
		_, body, _ = b.get(path)
		mustContain(t, "deleted page", body, "Restore company", "was deleted on")
		if code, _, _ := b.post(path, url.Values{"csrf_token": {csrf}, "fields": {"name"}, "f.name": {"X"}}); code != http.StatusBadRequest {
			t.Errorf("edit a deleted record = %d; want 400", code)
		}
		if code, _, _ := b.post(path+"/restore", url.Values{"csrf_token": {csrf}}); code != http.StatusSeeOther {
			t.Fatalf("POST restore = %d", code)
		}
		if site.get(ws, crm.CompanyObject, co.Meta().ID).Meta().DeletedAt != nil {
			t.Fatal("company still deleted after restore")
		}
		_, body, _ = b.get(path)
		mustContain(t, "restored page", body, "Company deleted", "Company restored")
	})
}

func TestRecordNotesAndTasks(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		ws := site.signIn(b)
		o := site.create(ws, crm.OpportunityObject, crm.Input{"name": "Big deal"})
		path := "/opportunities/" + o.Meta().ID
		csrf := b.csrf(path)

		if code, body, _ := b.post(path+"/notes", url.Values{"csrf_token": {csrf}}); code != http.StatusBadRequest || !strings.Contains(body, `id="note-title-error"`) {
			t.Errorf("empty note = %d; want 400 with the title error", code)
		}
		if code, _, _ := b.post(path+"/notes", url.Values{"csrf_token": {csrf}, "title": {"Call recap"}, "body": {"**Budget** <b>ok</b>\nnext week"}}); code != http.StatusSeeOther {
			t.Fatalf("add note = %d", code)
		}
		if code, body, _ := b.post(path+"/tasks", url.Values{"csrf_token": {csrf}, "title": {"Send quote"}, "due": {"31/12/2030"}}); code != http.StatusBadRequest || !strings.Contains(body, `id="task-due-error"`) {
			t.Errorf("task with a bad date = %d; want 400 with the due error", code)
		}
		if code, _, _ := b.post(path+"/tasks", url.Values{"csrf_token": {csrf}, "title": {"Send quote"}, "due": {"2030-12-31"}, "status": {"TODO"}}); code != http.StatusSeeOther {
			t.Fatalf("add task = %d", code)
		}
		_, body, _ := b.get(path)
		mustContain(t, "record page", body, "Call recap", "**Budget** &lt;b&gt;ok&lt;/b&gt;", "Send quote", "31 Dec 2030", "Note added: Call recap", "Task added: Send quote")
		links, err := site.records.TargetsFor(context.Background(), ws, crm.ObjectTask, crm.ObjectOpportunity, o.Meta().ID)
		if err != nil || len(links) != 1 {
			t.Fatalf("task links = %d, %v; want 1", len(links), err)
		}
		taskID := links[0].ParentID
		if code, _, _ := b.post(path+"/tasks/"+taskID+"/done", url.Values{"csrf_token": {csrf}}); code != http.StatusSeeOther {
			t.Fatalf("mark done = %d", code)
		}
		if st := site.get(ws, crm.TaskObject, taskID).(*crm.Task).Status; st != "DONE" {
			t.Errorf("task status = %s; want DONE", st)
		}
		other := site.create(ws, crm.OpportunityObject, crm.Input{"name": "Other"})
		if code, _, _ := b.post("/opportunities/"+other.Meta().ID+"/tasks/"+taskID+"/done", url.Values{"csrf_token": {csrf}}); code != http.StatusNotFound {
			t.Errorf("mark done through another record = %d; want 404", code)
		}
	})
}

func TestRecordAccess(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		admin := site.browser()
		ws := site.signIn(admin)
		ctx := context.Background()
		p := site.create(ws, crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Mine"}})

		// Another workspace's record is not found.
		ws2, _, err := site.auth.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: "Other", AdminEmail: "boss@other.test", AdminPassword: "password-123", AdminName: "Boss"})
		if err != nil {
			t.Fatal(err)
		}
		theirs := site.create(ws2.ID, crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Theirs"}})
		csrf := admin.csrf("/people/" + p.Meta().ID)
		for _, tc := range []struct{ method, path string }{
			{"GET", "/people/" + theirs.Meta().ID}, {"GET", "/people/" + theirs.Meta().ID + "/edit?field=name"},
			{"POST", "/people/" + theirs.Meta().ID}, {"POST", "/people/" + theirs.Meta().ID + "/delete"},
			{"POST", "/people/" + theirs.Meta().ID + "/notes"}, {"GET", "/people/" + theirs.Meta().ID + "/delete"},
		} {
			var code int
			if tc.method == "GET" {
				code, _, _ = admin.get(tc.path)
			} else {
				code, _, _ = admin.post(tc.path, url.Values{"csrf_token": {csrf}, "fields": {"name"}, "f.name.firstName": {"Hacked"}, "title": {"x"}})
			}
			if code != http.StatusNotFound {
				t.Errorf("%s %s (other workspace) = %d; want 404", tc.method, tc.path, code)
			}
		}
		if got := site.get(ws2.ID, crm.PersonObject, theirs.Meta().ID).(*crm.Person); got.Name.FirstName != "Theirs" || got.DeletedAt != nil {
			t.Errorf("other workspace's person changed: %q deleted=%v", got.Name.FirstName, got.DeletedAt)
		}

		// Signed out: sent to the sign-in page.
		anon := site.browser()
		for _, path := range []string{"/people/" + p.Meta().ID, "/pipeline", "/companies/" + p.Meta().ID} {
			if code, _, h := anon.get(path); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
				t.Errorf("GET %s signed out = %d %s; want /login", path, code, h.Get("Location"))
			}
		}

		// A member may read and edit records.
		if _, err := site.auth.AddMember(ctx, auth.AddMemberParams{WorkspaceID: ws, Email: "mem@acme.test", Name: "Mem", Password: "password-456", Role: auth.RoleMember}); err != nil {
			t.Fatal(err)
		}
		member := site.browser()
		if code, _, _ := member.post("/login", url.Values{"email": {"mem@acme.test"}, "password": {"password-456"}}); code != http.StatusSeeOther {
			t.Fatalf("member sign in = %d", code)
		}
		path := "/people/" + p.Meta().ID
		if code, _, _ := member.get(path); code != http.StatusOK {
			t.Errorf("member GET = %d", code)
		}
		if code, _, _ := member.post(path, url.Values{"csrf_token": {member.csrf(path)}, "fields": {"jobTitle"}, "f.jobTitle": {"CTO"}}); code != http.StatusSeeOther {
			t.Errorf("member edit = %d; want 303", code)
		}
		if got := site.get(ws, crm.PersonObject, p.Meta().ID).(*crm.Person); got.JobTitle != "CTO" {
			t.Errorf("job title = %q; want CTO", got.JobTitle)
		}
		// The CSRF token of another session is refused.
		if code, _, _ := member.post(path, url.Values{"csrf_token": {csrf}, "fields": {"jobTitle"}, "f.jobTitle": {"CEO"}}); code != http.StatusForbidden {
			t.Errorf("edit with another session's token = %d; want 403", code)
		}
	})
}
