package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// searchResult is one hit of the command palette: a record, a page or an
// action, with where it leads.
type searchResult struct {
	Label string `json:"label"`
	URL   string `json:"url"`
	Kind  string `json:"kind"` // person, company, opportunity, page, action
	// Method is "post" for an action that changes something (the palette
	// submits a form with the CSRF token); empty means a link.
	Method string `json:"method,omitempty"`
}

// Limits of a search: per object, and in all.
const (
	searchPerObject = 6
	searchMax       = 20
)

// searchPage answers the command palette. Without JavaScript the palette's
// form submits here and gets a results page; palette.js in app.js asks for
// JSON (Accept: application/json) as the user types.
func (u *UI) searchPage(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > 200 {
		q = q[:200]
	}
	results, err := u.search(r.Context(), p, q)
	if err != nil {
		return err
	}
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		w.Header().Set("Content-Type", "application/json")
		if results == nil {
			results = []searchResult{}
		}
		return json.NewEncoder(w).Encode(results)
	}
	groups := map[string][]searchResult{}
	for _, res := range results {
		groups[res.Kind] = append(groups[res.Kind], res)
	}
	return u.render(w, r, "search", "Search", map[string]any{"Q": q, "Groups": searchGroups(groups), "Count": len(results)})
}

// searchGroup is one section of the results page.
type searchGroup struct {
	Heading string
	Results []searchResult
}

func searchGroups(by map[string][]searchResult) []searchGroup {
	var out []searchGroup
	for _, k := range []struct{ kind, heading string }{
		{"person", "People"}, {"company", "Companies"}, {"opportunity", "Opportunities"}, {"page", "Pages"}, {"action", "Actions"},
	} {
		if len(by[k.kind]) > 0 {
			out = append(out, searchGroup{Heading: k.heading, Results: by[k.kind]})
		}
	}
	return out
}

// search finds records of the caller's workspace (through the records
// service, so the store's substring indexes serve it) and the pages and
// actions whose names match. An empty query lists the pages and actions.
func (u *UI) search(ctx context.Context, p *auth.Principal, q string) ([]searchResult, error) {
	var out []searchResult
	if q != "" {
		for _, o := range []*crm.Object{crm.PersonObject, crm.CompanyObject, crm.OpportunityObject} {
			hits, err := u.searchRecords(ctx, p.WorkspaceID, o, q)
			if err != nil {
				return nil, err
			}
			out = append(out, hits...)
		}
	}
	lq := strings.ToLower(q)
	for _, e := range searchEntries(p) {
		if lq == "" || strings.Contains(strings.ToLower(e.Label), lq) {
			out = append(out, e)
		}
	}
	if len(out) > searchMax {
		out = out[:searchMax]
	}
	return out, nil
}

// searchEntries are the pages and actions the palette can jump to.
func searchEntries(p *auth.Principal) []searchResult {
	out := []searchResult{
		{Label: "Home", URL: "/", Kind: "page"},
		{Label: "People", URL: "/people", Kind: "page"},
		{Label: "Companies", URL: "/companies", Kind: "page"},
		{Label: "Opportunities", URL: "/opportunities", Kind: "page"},
		{Label: "Pipeline", URL: "/pipeline", Kind: "page"},
		{Label: "Settings", URL: "/settings", Kind: "page"},
		{Label: "Import CSV", URL: "/import", Kind: "page"},
		{Label: "New person", URL: newPersonURL, Kind: "action"},
		{Label: "New company", URL: newCompanyURL, Kind: "action"},
		{Label: "Import people or companies from CSV", URL: "/import", Kind: "action"},
		{Label: "Integrations", URL: integrationsURL, Kind: "page"},
		{Label: "Sync Whop now", URL: whopIntegrationURL + "/sync", Kind: "action", Method: "post"},
	}
	if auth.RequireAdmin(p) == nil {
		out = append(out,
			searchResult{Label: "Members", URL: "/settings/members", Kind: "page"},
			searchResult{Label: "API keys", URL: "/settings/api-keys", Kind: "page"},
			searchResult{Label: "Custom fields", URL: "/settings/fields", Kind: "page"})
	}
	return out
}

// searchRecords finds up to searchPerObject records matching q by the
// records service's one quick search (records.SearchFilter).
func (u *UI) searchRecords(ctx context.Context, ws string, o *crm.Object, q string) ([]searchResult, error) {
	schema, err := u.cfg.Records.Schema(ctx, ws, o)
	if err != nil {
		return nil, err
	}
	var ids []string
	if o == crm.PersonObject {
		if ids, err = u.membershipPeople(ctx, ws, q); err != nil {
			return nil, err
		}
	}
	f, err := u.cfg.Records.SearchFilter(records.SearchParams{Schema: schema, Query: q, IDs: ids})
	if err != nil {
		return nil, err
	}
	page, err := u.cfg.Records.List(ctx, ws, schema, crm.ListParams{Filter: f, First: searchPerObject})
	if err != nil {
		return nil, err
	}
	out := make([]searchResult, 0, len(page.Records))
	for _, rec := range page.Records {
		out = append(out, searchResult{Label: searchLabel(rec), URL: homeRecordURL(string(o.Name), rec.Meta().ID), Kind: string(o.Name)})
	}
	return out, nil
}

// membershipPeople are the people whose Whop membership ID or membership
// email contains q: the quick searches of people include them.
func (u *UI) membershipPeople(ctx context.Context, ws, q string) ([]string, error) {
	if u.cfg.Whop == nil {
		return nil, nil
	}
	return u.cfg.Whop.PeopleByMembership(ctx, ws, q)
}

// searchLabel is how a record reads in a list of results.
func searchLabel(rec crm.Record) string {
	switch r := rec.(type) {
	case *crm.Person:
		name := strings.TrimSpace(r.Name.FirstName + " " + r.Name.LastName)
		switch {
		case name == "" && r.Emails.PrimaryEmail == "":
			return "Unnamed person"
		case name == "":
			return r.Emails.PrimaryEmail
		case r.Emails.PrimaryEmail == "":
			return name
		}
		return name + " · " + r.Emails.PrimaryEmail
	case *crm.Company:
		if r.DomainName.PrimaryLinkURL != "" {
			return r.Name + " · " + r.DomainName.PrimaryLinkURL
		}
		if r.Name == "" {
			return "Unnamed company"
		}
		return r.Name
	case *crm.Opportunity:
		if r.Name == "" {
			return "Unnamed opportunity"
		}
		return r.Name
	}
	return rec.Meta().ID
}
