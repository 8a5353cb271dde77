package app

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
)

// TestPeopleByMembershipEverySurface filters people by their Whop
// memberships through the web table, REST and GraphQL over one server, and
// checks that the three answer the same people: the conditions given
// together hold for one membership, deleted memberships and hand-made deals
// do not count, and another workspace's members never show.
func TestPeopleByMembershipEverySurface(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			a, h := testApp(t, d)
			ctx := context.Background()
			clients := map[string]client{}
			for _, name := range []string{"A", "B"} {
				ws, _, err := a.Auth.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: name, AdminEmail: strings.ToLower(name) + "@x.io", AdminPassword: "password-" + name, AdminName: "Owner"})
				if err != nil {
					t.Fatal(err)
				}
				_, key, err := a.Auth.CreateAPIKey(ctx, auth.CreateAPIKeyParams{WorkspaceID: ws.ID, Name: "k", By: audit.System("test")})
				if err != nil {
					t.Fatal(err)
				}
				clients[name] = client{t, h, key}
			}
			A, B := clients["A"], clients["B"]
			person := func(c client, first string) string {
				code, out := c.do("POST", "/rest/people", map[string]any{"name": map[string]any{"firstName": first, "lastName": "Member"}})
				if code != 201 {
					t.Fatalf("create %s: %d %v", first, code, out)
				}
				return out["data"].(map[string]any)["createPerson"].(map[string]any)["id"].(string)
			}
			membership := func(c client, contact, id, status, product string) string {
				body := map[string]any{"name": id, "pointOfContactId": contact, "whopMembershipStatus": status, "whopProductId": product}
				if id != "" {
					body["whopMembershipId"] = id
				}
				code, out := c.do("POST", "/rest/opportunities", body)
				if code != 201 {
					t.Fatalf("create membership %s: %d %v", id, code, out)
				}
				return out["data"].(map[string]any)["createOpportunity"].(map[string]any)["id"].(string)
			}
			ada, cy, eve, bob := person(A, "Ada"), person(A, "Cy"), person(A, "Eve"), person(A, "Bob")
			person(A, "Dee") // no membership at all
			membership(A, ada, "mem_ada", "active", "prod_1")
			membership(A, cy, "mem_cy", "past_due", "prod_2")
			gone := membership(A, cy, "mem_cy_old", "active", "prod_2")
			if code, out := A.do("DELETE", "/rest/opportunities/"+gone, nil); code != 200 {
				t.Fatalf("delete membership: %d %v", code, out)
			}
			membership(A, eve, "mem_eve_1", "canceled", "prod_1")
			membership(A, eve, "mem_eve_2", "trialing", "prod_2")
			membership(A, bob, "", "active", "prod_1") // a hand-made deal, not a Whop membership
			membership(B, person(B, "Zed"), "mem_zed", "active", "prod_1")

			web := signInWeb(t, h, "a@x.io", "password-A")
			everyone := []string{"Ada", "Bob", "Cy", "Dee", "Eve", "Zed"}
			for _, c := range []struct {
				name, rest, web string
				gql             map[string]any
				want            []string
			}{
				{"status in", "whopMembership.status[in]:[active,trialing]", "status=active&status=trialing",
					map[string]any{"whopMembership": map[string]any{"status": map[string]any{"in": []string{"active", "trialing"}}}}, []string{"Ada", "Eve"}},
				{"product", "whopMembership.productId[eq]:prod_2", "product=prod_2",
					map[string]any{"whopMembership": map[string]any{"productId": map[string]any{"eq": "prod_2"}}}, []string{"Cy", "Eve"}},
				{"status and product of one membership", "whopMembership.status[in]:[active,past_due],whopMembership.productId[eq]:prod_2", "status=active&status=past_due&product=prod_2",
					map[string]any{"whopMembership": map[string]any{"status": map[string]any{"in": []string{"active", "past_due"}}, "productId": map[string]any{"eq": "prod_2"}}}, []string{"Cy"}},
				{"trialing on one membership, prod_1 on another", "and(whopMembership.status[eq]:trialing),and(whopMembership.productId[eq]:prod_1)", "",
					map[string]any{"and": []any{map[string]any{"whopMembership": map[string]any{"status": map[string]any{"eq": "trialing"}}}, map[string]any{"whopMembership": map[string]any{"productId": map[string]any{"eq": "prod_1"}}}}}, []string{"Eve"}},
				{"no membership", "not(whopMembership.id[is]:NOT_NULL)", "",
					map[string]any{"not": map[string]any{"whopMembership": map[string]any{"id": map[string]any{"is": "NOT_NULL"}}}}, []string{"Bob", "Dee"}},
			} {
				t.Run(c.name, func(t *testing.T) {
					code, out := A.do("GET", "/rest/people?limit=50&filter="+url.QueryEscape(c.rest), nil)
					if code != 200 {
						t.Fatalf("REST %s: %d %v", c.rest, code, out)
					}
					var got []string
					for _, p := range out["data"].(map[string]any)["people"].([]any) {
						got = append(got, p.(map[string]any)["name"].(map[string]any)["firstName"].(string))
					}
					if slices.Sort(got); !slices.Equal(got, c.want) {
						t.Errorf("REST filter=%s: %v; want %v", c.rest, got, c.want)
					}
					if n := int(out["totalCount"].(float64)); n != len(c.want) {
						t.Errorf("REST totalCount %d; want %d", n, len(c.want))
					}

					res := A.gql(`query($f: PersonFilterInput) { people(filter: $f, first: 50) { totalCount edges { node { name { firstName } } } } }`, map[string]any{"f": c.gql})
					if res["errors"] != nil {
						t.Fatalf("GraphQL: %v", res["errors"])
					}
					conn := res["data"].(map[string]any)["people"].(map[string]any)
					got = nil
					for _, e := range conn["edges"].([]any) {
						got = append(got, e.(map[string]any)["node"].(map[string]any)["name"].(map[string]any)["firstName"].(string))
					}
					if slices.Sort(got); !slices.Equal(got, c.want) {
						t.Errorf("GraphQL %v: %v; want %v", c.gql, got, c.want)
					}
					if n := int(conn["totalCount"].(float64)); n != len(c.want) {
						t.Errorf("GraphQL totalCount %d; want %d", n, len(c.want))
					}

					if c.web == "" {
						return // the table has no control for this one
					}
					body := web("/people?" + c.web)
					for _, name := range everyone {
						shown := strings.Contains(body, ">"+name+" Member<")
						if want := slices.Contains(c.want, name); shown != want {
							t.Errorf("web /people?%s shows %s: %v; want %v", c.web, name, shown, want)
						}
					}
				})
			}

			// B's key sees only B's member through the same filter.
			code, out := B.do("GET", "/rest/people?filter="+url.QueryEscape("whopMembership.status[eq]:active"), nil)
			if code != 200 || int(out["totalCount"].(float64)) != 1 {
				t.Errorf("workspace B: %d %v; want only Zed", code, out)
			}
		})
	}
}

// signInWeb signs in to the web UI of h and returns a getter for its pages.
func signInWeb(t *testing.T, h http.Handler, email, password string) func(path string) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	return func(path string) string {
		t.Helper()
		resp, err := c.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		return string(b)
	}
}
