package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

type searchHit struct {
	Label string `json:"label"`
	URL   string `json:"url"`
	Kind  string `json:"kind"`
}

// getJSON asks the search endpoint for JSON as palette.js does.
func (b *browser) searchJSON(q string) []searchHit {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.site.srv.URL+"/search?q="+url.QueryEscape(q), nil)
	req.Header.Set("Accept", "application/json")
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		b.t.Fatalf("search %q = %d %s %s", q, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var hits []searchHit
	if err := json.Unmarshal(body, &hits); err != nil {
		b.t.Fatalf("search %q: %v in %s", q, err, body)
	}
	return hits
}

func TestSearchPageAndJSON(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		admin := site.browser()
		ws := site.signIn(admin)
		ada := homeCreate(t, site.records, ws, crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Ada", "lastName": "Lovelace"}, "emails": map[string]any{"primaryEmail": "ada@engine.test"}})
		engine := homeCreate(t, site.records, ws, crm.CompanyObject, crm.Input{"name": "Analytical Engines", "domainName": map[string]any{"primaryLinkUrl": "engine.test"}})
		deal := homeCreate(t, site.records, ws, crm.OpportunityObject, crm.Input{"name": "Engine upgrade"})
		other := homeOtherWorkspace(t, site)
		homeCreate(t, site.records, other, crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Eve", "lastName": "Engine"}, "emails": map[string]any{"primaryEmail": "eve@engine.test"}})

		tests := []struct {
			q    string
			want []searchHit
			not  []string // labels that must not appear
		}{
			{"engine", []searchHit{
				{"Ada Lovelace · ada@engine.test", "/people/" + ada, "person"},
				{"Analytical Engines · engine.test", "/companies/" + engine, "company"},
				{"Engine upgrade", "/opportunities/" + deal, "opportunity"},
			}, []string{"Eve Engine · eve@engine.test"}},
			{"ada love", []searchHit{{"Ada Lovelace · ada@engine.test", "/people/" + ada, "person"}}, nil},
			{"LOVELACE", []searchHit{{"Ada Lovelace · ada@engine.test", "/people/" + ada, "person"}}, nil},
			{"sync", []searchHit{{"Sync Whop now", "/settings/integrations/whop/sync", "action"}}, nil},
			{"api", []searchHit{{"API keys", "/settings/api-keys", "page"}}, nil},
			{"people", []searchHit{{"People", "/people", "page"}, {"Import people or companies from CSV", "/import", "action"}}, nil},
			{"eve", nil, []string{"Eve Engine · eve@engine.test"}},
		}
		for _, tc := range tests {
			hits := admin.searchJSON(tc.q)
			if len(hits) > 20 {
				t.Errorf("search %q = %d hits; want at most 20", tc.q, len(hits))
			}
			for _, w := range tc.want {
				found := false
				for _, h := range hits {
					found = found || h == w
				}
				if !found {
					t.Errorf("search %q = %+v; want %+v among them", tc.q, hits, w)
				}
			}
			for _, h := range hits {
				for _, n := range tc.not {
					if h.Label == n {
						t.Errorf("search %q found %q from another workspace", tc.q, n)
					}
				}
			}
		}

		// The people table's search box is the same search: "ada love"
		// finds Ada there too (it matched only single fields before).
		if code, body, _ := admin.get("/people?q=" + url.QueryEscape("ada love")); code != 200 || !strings.Contains(body, `href="/people/`+ada+`"`) {
			t.Errorf("GET /people?q=ada+love = %d; want Ada's row", code)
		}
		// The results page works without JavaScript and escapes input.
		code, body, _ := admin.get("/search?q=" + url.QueryEscape("engine"))
		if code != 200 {
			t.Fatalf("GET /search = %d", code)
		}
		for _, want := range []string{`<h1>Search</h1>`, `<a href="/people/` + ada + `">Ada Lovelace · ada@engine.test</a>`, `<h2>Companies</h2>`, `value="engine"`} {
			if !strings.Contains(body, want) {
				t.Errorf("results page lacks %q", want)
			}
		}
		// "Sync Whop now" starts a sync: a POST with the CSRF token, from the
		// results page and from the palette (its hidden action form).
		_, body, _ = admin.get("/search?q=sync")
		if !strings.Contains(body, `<form method="post" action="/settings/integrations/whop/sync" class="inline"><input type="hidden" name="csrf_token" value="`) ||
			!strings.Contains(body, `<form id="palette-action" method="post" hidden><input type="hidden" name="csrf_token" value="`) {
			t.Error("Sync Whop now is not a POST form with the CSRF token on the results page and in the palette")
		}
		if _, body, _ := admin.get("/search?q=" + url.QueryEscape(`<script>x</script>`)); strings.Contains(body, "<script>x") {
			t.Error("search query is not escaped")
		}

		// A member may search but is not offered admin pages.
		member := site.browser()
		homeSignInMember(t, site, member, ws)
		for _, h := range member.searchJSON("api") {
			if h.Label == "API keys" {
				t.Error("member is offered the API keys page")
			}
		}
		if hits := member.searchJSON("lovelace"); len(hits) != 1 || hits[0].URL != "/people/"+ada {
			t.Errorf("member search = %+v; want Ada", hits)
		}

		// Signed out: the sign-in page, not results.
		if code, _, _ := site.browser().get("/search?q=ada"); code != http.StatusSeeOther {
			t.Errorf("signed-out search = %d; want a redirect", code)
		}
	})
}

func TestPaletteMarkup(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		site.signIn(b)
		_, body, _ := b.get("/")
		for _, want := range []string{
			`<dialog class="palette" id="palette"`,
			`<form method="get" action="/search" role="search">`,
			`role="combobox" aria-expanded="false" aria-controls="palette-results"`,
			`<ul id="palette-results" role="listbox"`,
			`<script src="/static/js/app.js" defer></script>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks palette markup %q", want)
			}
		}
		code, js, _ := b.get("/static/js/app.js")
		if code != 200 {
			t.Fatalf("GET app.js = %d", code)
		}
		for _, want := range []string{`"/search?q="`, `"Accept": "application/json"`, `aria-activedescendant`, `aria-expanded`, `"ArrowDown"`, `"ArrowUp"`, `"Escape"`, `"option"`} {
			if !strings.Contains(js, want) {
				t.Errorf("app.js lacks %s", want)
			}
		}
	})
}
