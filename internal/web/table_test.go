package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// tblSeed makes a small Whop business: Acme, four people (two synced from
// Whop) and their memberships.
func tblSeed(t *testing.T, site *site, ws string) {
	t.Helper()
	acme := tblCreate(t, site.records, ws, crm.CompanyObject, crm.Input{"name": "Acme", "domainName": map[string]any{"primaryLinkUrl": "https://acme.test"}, "employees": 12})[0]
	ada := tblPerson("Ada", "Lovelace", "ada@x.test", "Berlin")
	ada["companyId"], ada["whopUserId"], ada["whopUsername"] = acme, "user_ada", "ada_l"
	cy := tblPerson("Cy", "Young", "cy@x.test", "Berlin")
	cy["whopUserId"], cy["whopUsername"] = "user_cy", "cy"
	ids := tblCreate(t, site.records, ws, crm.PersonObject, ada, tblPerson("Bob", "Stone", "bob@x.test", "Paris"), cy, tblPerson("Dee", "Nocity", "dee@x.test", ""))
	tblCreate(t, site.records, ws, crm.OpportunityObject,
		crm.Input{"name": "Ada / Pro", "pointOfContactId": ids[0], "companyId": acme, "whopMembershipId": "mem_ada", "whopMembershipStatus": "active",
			"whopProductId": "prod_1", "whopRenewalDate": "2030-01-15T00:00:00Z", "whopCancelAtPeriodEnd": true,
			"amount": map[string]any{"amountMicros": 25_000_000, "currencyCode": "USD"}, "stage": "CUSTOMER"},
		crm.Input{"name": "Cy / Basic", "pointOfContactId": ids[2], "whopMembershipId": "mem_cy", "whopMembershipStatus": "past_due",
			"whopProductId": "prod_2", "whopRenewalDate": "2030-03-01T00:00:00Z", "stage": "CUSTOMER"},
		crm.Input{"name": "Bob deal", "pointOfContactId": ids[1], "stage": "PROPOSAL"},
	)
}

func TestTableFiltersAndSearch(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		ws := site.signIn(b)
		tblSeed(t, site, ws)
		for _, c := range []struct {
			name, path string
			want       []string // sorted by name ascending
		}{
			{"people: all", "/people", []string{"Ada Lovelace", "Bob Stone", "Cy Young", "Dee Nocity"}},
			{"people: search", "/people?q=LOVE", []string{"Ada Lovelace"}},
			{"people: search email", "/people?q=bob%40x", []string{"Bob Stone"}},
			{"people: one filter", "/people?f=city&o=eq&v=Berlin", []string{"Ada Lovelace", "Cy Young"}},
			{"people: filters AND", "/people?f=city&o=eq&v=Berlin&f=name.firstName&o=startsWith&v=C", []string{"Cy Young"}},
			{"people: contains", "/people?f=emails.primaryEmail&o=contains&v=DEE", []string{"Dee Nocity"}},
			{"people: is empty", "/people?f=city&o=empty&v=", []string{"Dee Nocity"}},
			{"people: in", "/people?f=city&o=in&v=Paris,Rome", []string{"Bob Stone"}},
			{"people: synced", "/people?synced=1", []string{"Ada Lovelace", "Cy Young"}},
			{"people: status", "/people?status=active", []string{"Ada Lovelace"}},
			{"people: two statuses", "/people?status=active&status=past_due", []string{"Ada Lovelace", "Cy Young"}},
			{"people: status none", "/people?status=expired", nil},
			{"people: product", "/people?product=prod_2", []string{"Cy Young"}},
			{"people: status and product of one membership", "/people?status=past_due&product=prod_2", []string{"Cy Young"}},
			{"people: status and product of different memberships", "/people?status=active&product=prod_2", nil},
			{"people: renews from", "/people?renew_from=2030-02-01", []string{"Cy Young"}},
			{"people: renews to (inclusive)", "/people?renew_to=2030-01-15", []string{"Ada Lovelace"}},
			{"people: cancel at period end", "/people?cancel=1", []string{"Ada Lovelace"}},
			{"people: whop and search", "/people?synced=1&q=young", []string{"Cy Young"}},
			{"opportunities: all", "/opportunities", []string{"Ada / Pro", "Bob deal", "Cy / Basic"}},
			{"opportunities: synced", "/opportunities?synced=1", []string{"Ada / Pro", "Cy / Basic"}},
			{"opportunities: status", "/opportunities?status=past_due", []string{"Cy / Basic"}},
			{"opportunities: product", "/opportunities?product=prod_1", []string{"Ada / Pro"}},
			{"opportunities: renewal range", "/opportunities?renew_from=2030-01-01&renew_to=2030-01-31", []string{"Ada / Pro"}},
			{"opportunities: cancel", "/opportunities?cancel=1", []string{"Ada / Pro"}},
			{"opportunities: stage filter", "/opportunities?f=stage&o=eq&v=PROPOSAL", []string{"Bob deal"}},
			{"companies: all", "/companies", []string{"Acme"}},
			{"companies: search domain", "/companies?q=acme.test", []string{"Acme"}},
			{"companies: employees gt", "/companies?f=employees&o=gt&v=20", nil},
			{"companies: whop params ignored", "/companies?synced=1&status=active", []string{"Acme"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				code, body, _ := b.get(c.path)
				if code != http.StatusOK {
					t.Fatalf("GET %s = %d; want 200", c.path, code)
				}
				got := tblNames(body)
				slices.Sort(got)
				if !tblSame(got, c.want) {
					t.Errorf("GET %s rows = %q; want %q", c.path, got, c.want)
				}
				want := fmt.Sprintf("%d ", len(c.want))
				if !strings.Contains(body, `id="table-count">`+want) && !(len(c.want) == 0 && strings.Contains(body, `id="table-count">0 `)) {
					t.Errorf("GET %s: count text missing %q", c.path, want)
				}
			})
		}

		// Rows show related names from batched lookups and the Whop badge.
		_, body, _ := b.get("/people?q=ada")
		for _, want := range []string{`<a href="/companies/`, `>Acme</a>`, `<span class="badge badge-whop">Whop</span> ada_l`, `data-testid="records-table"`} {
			if !strings.Contains(body, want) {
				t.Errorf("people row missing %q", want)
			}
		}
		_, body, _ = b.get("/opportunities?status=active")
		for _, want := range []string{`>Ada Lovelace</a>`, `$25.00`, `badge-success">Active</span>`} {
			if !strings.Contains(body, want) {
				t.Errorf("opportunity row missing %q", want)
			}
		}

		// A bad filter is a 400 with the message on its row.
		code, body, _ := b.get("/people?f=whopCreatedAt&o=gt&v=yesterday")
		if code != http.StatusBadRequest || !strings.Contains(body, `aria-invalid="true" aria-describedby="v-0-error"`) || !strings.Contains(body, `id="v-0-error"`) {
			t.Errorf("bad filter = %d; want 400 with the row's error", code)
		}
		if strings.Contains(body, `data-testid="records-table"`) {
			t.Error("bad filter still shows rows")
		}
		if code, _, _ := b.get("/people?renew_from=soon"); code != http.StatusBadRequest {
			t.Errorf("bad renewal date = %d; want 400", code)
		}

		// "Add filter" adds a row; "Remove" drops one; both keep the rest.
		_, body, _ = b.get("/people?f=city&o=eq&v=Berlin&add=1")
		if !strings.Contains(body, `id="f-1"`) || strings.Contains(body, `id="f-2"`) {
			t.Error("add=1 did not render exactly one more filter row")
		}
		_, body, _ = b.get("/people?f=city&o=eq&v=Berlin&f=city&o=eq&v=Paris&remove=0")
		if got := tblNames(body); !tblSame(got, []string{"Bob Stone"}) {
			t.Errorf("after removing row 0 = %q; want Bob", got)
		}
	})
}

func TestTableSortPagesColumns(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		ws := site.signIn(b)
		var in []crm.Input
		for i := range 120 {
			in = append(in, tblPerson(fmt.Sprintf("P%03d", i), "Test", fmt.Sprintf("p%03d@x.test", i), ""))
		}
		tblCreate(t, site.records, ws, crm.PersonObject, in...)

		// Sort by name both ways, with aria-sort on the header.
		code, body, _ := b.get("/people?sort=name&dir=asc")
		if code != 200 {
			t.Fatalf("sorted = %d", code)
		}
		if got := tblNames(body); len(got) != 50 || got[0] != "P000 Test" || got[49] != "P049 Test" {
			t.Fatalf("asc page = %d rows from %q", len(got), got[:1])
		}
		if !strings.Contains(body, `<th scope="col" aria-sort="ascending">`) || !strings.Contains(body, "120 people") {
			t.Error("asc page: missing aria-sort=ascending or the total")
		}
		if !strings.Contains(body, `href="/people?dir=desc&amp;sort=name"`) {
			t.Error("the sorted header does not link to the descending sort")
		}
		_, body, _ = b.get("/people?sort=name&dir=desc")
		if got := tblNames(body); got[0] != "P119 Test" || !strings.Contains(body, `aria-sort="descending"`) {
			t.Errorf("desc first row = %q", got[0])
		}

		// Walk forward through all pages, then back.
		var seen []string
		next := "/people?sort=name&dir=asc"
		var pages []string
		for next != "" {
			_, body, _ := b.get(next)
			pages = append(pages, next)
			seen = append(seen, tblNames(body)...)
			next = tblLink(body, "Next page")
			if len(pages) > 5 {
				t.Fatal("too many pages")
			}
		}
		if len(pages) != 3 || len(seen) != 120 || seen[119] != "P119 Test" {
			t.Fatalf("forward walk: %d pages, %d rows", len(pages), len(seen))
		}
		sorted := slices.Clone(seen)
		slices.Sort(sorted)
		if !slices.Equal(seen, sorted) || len(slices.Compact(sorted)) != 120 {
			t.Error("forward walk is out of order or repeats rows")
		}
		_, body, _ = b.get(pages[2])
		if strings.Contains(body, "Next page") {
			t.Error("last page has a Next link")
		}
		prev := tblLink(body, "Previous page")
		_, body, _ = b.get(prev)
		if got := tblNames(body); len(got) != 50 || got[0] != "P050 Test" || got[49] != "P099 Test" {
			t.Errorf("previous from the last page = %d rows %q..", len(got), got[0])
		}
		prev = tblLink(body, "Previous page")
		_, body, _ = b.get(prev)
		if got := tblNames(body); len(got) != 50 || got[0] != "P000 Test" || tblLink(body, "Previous page") != "" {
			t.Errorf("back to the first page = %q, prev link %q", got[0], tblLink(body, "Previous page"))
		}
		if code, _, _ := b.get("/people?after=garbage"); code != http.StatusBadRequest {
			t.Errorf("bad cursor = %d; want 400", code)
		}

		// Columns: defaults, then a chosen set kept in sort and page links.
		_, body, _ = b.get("/people")
		for _, h := range []string{">Email", ">Company", ">City", ">Created"} {
			if !strings.Contains(body, h) {
				t.Errorf("default columns miss %s", h)
			}
		}
		_, body, _ = b.get("/people?c=jobTitle&c=email")
		if strings.Contains(body, "<th scope=\"col\">Company") || !strings.Contains(body, ">Job title") {
			t.Error("chosen columns not applied")
		}
		if !strings.Contains(body, `id="c-jobTitle" name="c" value="jobTitle" checked`) || strings.Contains(body, `id="c-city" name="c" value="city" checked`) {
			t.Error("column chooser does not reflect the choice")
		}
		if next := tblLink(body, "Next page"); !strings.Contains(next, "c=jobTitle") {
			t.Errorf("Next page link %q loses the columns", next)
		}
	})
}

func TestTableAccess(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		anon := site.browser()
		admin := site.browser()
		ws := site.signIn(admin)
		member := site.browser()
		tblMember(t, site, member, ws, "mia@acme.test")
		for _, path := range []string{"/people", "/companies", "/opportunities", "/people/export.csv", "/opportunities/export.csv"} {
			code, _, h := anon.get(path)
			if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login?next=") {
				t.Errorf("signed out GET %s = %d %s; want a redirect to /login", path, code, h.Get("Location"))
			}
			for who, b := range map[string]*browser{"admin": admin, "member": member} {
				if code, _, _ := b.get(path); code != http.StatusOK {
					t.Errorf("%s GET %s = %d; want 200", who, path, code)
				}
			}
		}
		if code, _, h := anon.post("/people/views", url.Values{"name": {"x"}}); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Errorf("signed out save view = %d; want a redirect to /login", code)
		}
		if code, _, _ := admin.post("/people/views", url.Values{"name": {"x"}}); code != http.StatusForbidden {
			t.Errorf("save view without CSRF = %d; want 403", code)
		}
		tblCreate(t, site.records, ws, crm.PersonObject, tblPerson("Ada", "Lovelace", "ada@x.test", ""))
		_, body, _ := admin.get("/people")
		for _, hook := range []string{`id="filters"`, `<label for="q">Search</label>`, `id="q"`, ">Export CSV</a>", "<caption", `scope="col"`} {
			if !strings.Contains(body, hook) {
				t.Errorf("people page misses %s", hook)
			}
		}
	})
}

func TestSavedViews(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		admin := site.browser()
		ws := site.signIn(admin)
		tblSeed(t, site, ws)
		member := site.browser()
		tblMember(t, site, member, ws, "mia@acme.test")
		other := site.browser()
		tblOtherWorkspace(t, site, other)

		query := "status=active&c=email&sort=name&dir=asc&after=cursor-is-dropped"
		code, _, h := admin.post("/people/views", url.Values{"csrf_token": {admin.csrf("/people")}, "name": {"Active members"}, "query": {query}})
		if code != http.StatusSeeOther {
			t.Fatalf("save view = %d", code)
		}
		loc := h.Get("Location")
		if !strings.HasPrefix(loc, "/people?") || strings.Contains(loc, "after=") || !strings.Contains(loc, "status=active") {
			t.Errorf("save redirect = %q; want the view without its cursor", loc)
		}
		_, body, _ := admin.get("/people")
		if !strings.Contains(body, `>Active members</a>`) {
			t.Fatal("saved view not listed")
		}
		_, body, _ = admin.get(loc)
		if got := tblNames(body); !tblSame(got, []string{"Ada Lovelace"}) {
			t.Errorf("the saved view's rows = %q; want Ada", got)
		}
		if code, body, _ := admin.post("/people/views", url.Values{"csrf_token": {admin.csrf("/people")}, "name": {"  "}, "query": {"q=ada"}}); code != http.StatusBadRequest ||
			!strings.Contains(body, `id="view-name-error"`) || !tblSame(tblNames(body), []string{"Ada Lovelace"}) {
			t.Errorf("save without a name = %d; want 400 with the message over the same table", code)
		}

		// Views are per user, per workspace, per object.
		for who, b := range map[string]*browser{"member": member, "other workspace": other} {
			if _, body, _ := b.get("/people"); strings.Contains(body, "Active members") {
				t.Errorf("%s sees the admin's view", who)
			}
		}
		if _, body, _ := admin.get("/companies"); strings.Contains(body, "Active members") {
			t.Error("a people view is listed on companies")
		}
		views, err := s.SavedViewList(context.Background(), &store.SavedViewListParams{WorkspaceID: ws, UserID: adminUserID(t, s, ws), Object: crm.ObjectPerson})
		if err != nil || len(views) != 1 {
			t.Fatalf("views = %d, %v", len(views), err)
		}
		id := views[0].ID
		for who, b := range map[string]*browser{"member": member, "other workspace": other} {
			if code, _, _ := b.post("/people/views/"+id+"/delete", url.Values{"csrf_token": {b.csrf("/people")}}); code != http.StatusNotFound {
				t.Errorf("%s deleting the admin's view = %d; want 404", who, code)
			}
		}
		if code, _, _ := admin.post("/people/views/"+id+"/delete", url.Values{"csrf_token": {admin.csrf("/people")}}); code != http.StatusSeeOther {
			t.Fatalf("delete own view = %d", code)
		}
		if _, body, _ := admin.get("/people"); strings.Contains(body, "Active members") {
			t.Error("deleted view still listed")
		}
	})
}

func adminUserID(t *testing.T, s *store.Store, ws string) string {
	t.Helper()
	ms, err := s.MemberList(context.Background(), ws)
	if err != nil || len(ms) == 0 {
		t.Fatalf("members: %v", err)
	}
	return ms[0].UserID
}
