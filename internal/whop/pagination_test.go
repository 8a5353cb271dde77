package whop

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// lastPage says how the list server marks its last page.
type lastPage int

const (
	nullCursor         lastPage = iota // end_cursor null, has_next_page false
	cursorButNoNext                    // end_cursor set, has_next_page false
	nullCursorNextTrue                 // end_cursor null, has_next_page true
	noFlag                             // only end_cursor, null at the end (what Whop's SDKs read)
)

// listServer serves n memberships at /api/v1/memberships the way Whop
// documents lists: first (default 20, max 100), opaque after cursors,
// {"data":[...],"page_info":{...}}.
func listServer(t *testing.T, n int, mode lastPage) *recorder {
	return newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/memberships" {
			writeError(w, 404, "not_found", "no route")
			return
		}
		first := 20
		if v := r.URL.Query().Get("first"); v != "" {
			first, _ = strconv.Atoi(v)
		}
		if first > 100 {
			first = 100
		}
		start := 0
		if a := r.URL.Query().Get("after"); a != "" {
			start, _ = strconv.Atoi(strings.TrimPrefix(a, "cur_"))
		}
		end := min(start+first, n)
		var items []string
		for i := start; i < end; i++ {
			items = append(items, membershipJSON(fmt.Sprintf("mem_%05d", i)))
		}
		more := end < n
		cursor := fmt.Sprintf("%q", fmt.Sprintf("cur_%d", end))
		var info string
		switch {
		case more && mode == noFlag:
			info = `{"end_cursor":` + cursor + `}`
		case more:
			info = `{"end_cursor":` + cursor + `,"start_cursor":"s","has_next_page":true,"has_previous_page":false}`
		case mode == nullCursor:
			info = `{"end_cursor":null,"start_cursor":null,"has_next_page":false,"has_previous_page":true}`
		case mode == cursorButNoNext:
			info = `{"end_cursor":` + cursor + `,"start_cursor":"s","has_next_page":false,"has_previous_page":true}`
		case mode == nullCursorNextTrue:
			info = `{"end_cursor":null,"start_cursor":null,"has_next_page":true,"has_previous_page":true}`
		case mode == noFlag:
			info = `{"end_cursor":null}`
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":[%s],"page_info":%s}`, strings.Join(items, ","), info)
	})
}

// walkMemberships walks every membership page of c from after on.
func walkMemberships(c *Client, after string, fn PageFunc[Membership]) error {
	return Walk(context.Background(), after, func(ctx context.Context, after string) (*Page[Membership], error) {
		return c.ListMemberships(ctx, ListMembershipsParams{After: after})
	}, fn)
}

func TestWalkBothLastPageConventions(t *testing.T) {
	t.Parallel()
	modes := map[string]lastPage{"null cursor": nullCursor, "cursor but has_next_page false": cursorButNoNext,
		"null cursor, has_next_page true": nullCursorNextTrue, "no has_next_page field": noFlag}
	for name, mode := range modes {
		for _, n := range []int{0, 1, 99, 100, 101, 250, 300} {
			t.Run(fmt.Sprintf("%s/%d", name, n), func(t *testing.T) {
				t.Parallel()
				srv := listServer(t, n, mode)
				c := testClient(t, srv, newFakeClock(), nil)
				seen := map[string]int{}
				var pages int
				err := walkMemberships(c, "", func(page []Membership, _ string) error {
					pages++
					for _, m := range page {
						seen[m.ID]++
					}
					return nil
				})
				if err != nil {
					t.Fatalf("Walk: %v", err)
				}
				if len(seen) != n {
					t.Errorf("distinct memberships = %d; want %d", len(seen), n)
				}
				for id, k := range seen {
					if k != 1 {
						t.Errorf("membership %s seen %d times; want 1", id, k)
					}
				}
				wantReqs := max(1, (n+99)/100)
				if got := len(srv.Requests()); got != wantReqs {
					t.Errorf("requests = %d; want %d (minimum)", got, wantReqs)
				}
				if pages != wantReqs {
					t.Errorf("pages = %d; want %d", pages, wantReqs)
				}
				for i, r := range srv.Requests() {
					if got := r.URL.Query().Get("first"); got != "100" {
						t.Errorf("request %d first = %q; want 100", i, got)
					}
					if got := r.URL.Query().Get("company_id"); got != "biz_Xy12Ab34Cd56Ef" {
						t.Errorf("request %d company_id = %q; want biz_Xy12Ab34Cd56Ef", i, got)
					}
					wantAfter := ""
					if i > 0 {
						wantAfter = fmt.Sprintf("cur_%d", i*100)
					}
					if got := r.URL.Query().Get("after"); got != wantAfter {
						t.Errorf("request %d after = %q; want %q", i, got, wantAfter)
					}
				}
			})
		}
	}
}

func TestWalkResumesAndReportsCursor(t *testing.T) {
	t.Parallel()
	srv := listServer(t, 250, nullCursor)
	c := testClient(t, srv, newFakeClock(), nil)
	var cursors []string
	var first string
	err := walkMemberships(c, "cur_100", func(page []Membership, next string) error {
		if first == "" {
			first = page[0].ID
		}
		cursors = append(cursors, next)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if first != "mem_00100" {
		t.Errorf("first membership after resume = %s; want mem_00100", first)
	}
	if want := []string{"cur_200", ""}; !reflect.DeepEqual(cursors, want) {
		t.Errorf("cursors = %q; want %q", cursors, want)
	}
}

func TestWalkStopsOnCallbackError(t *testing.T) {
	t.Parallel()
	srv := listServer(t, 250, nullCursor)
	c := testClient(t, srv, newFakeClock(), nil)
	stop := errors.New("stop")
	err := walkMemberships(c, "", func([]Membership, string) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("Walk = %v; want the callback's error", err)
	}
	if got := len(srv.Requests()); got != 1 {
		t.Errorf("requests = %d; want 1", got)
	}
}

// TestWalkRejectsCursorLoops: a server whose cursor does not advance, or
// comes back to an earlier page, is refused with ErrCursorLoop before the
// repeated page is handed on, however the loop is shaped.
func TestWalkRejectsCursorLoops(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		after   string
		cursors []string // the end_cursor of each successive page
		handed  int      // pages handed to fn before the error
	}{
		{"same cursor twice", "", []string{"a", "a"}, 1},
		{"back to the resume cursor", "start", []string{"start"}, 0},
		{"back to an earlier page", "", []string{"a", "b", "c", "a"}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			calls, handed := 0, 0
			err := Walk(context.Background(), tc.after, func(_ context.Context, after string) (*Page[int], error) {
				cur := tc.cursors[calls]
				calls++
				return &Page[int]{Data: []int{calls}, PageInfo: PageInfo{EndCursor: cur, HasNextPage: true}}, nil
			}, func([]int, string) error { handed++; return nil })
			if !errors.Is(err, ErrCursorLoop) || calls != len(tc.cursors) || handed != tc.handed {
				t.Errorf("Walk = %v after %d fetches, %d pages handed on; want ErrCursorLoop after %d, %d", err, calls, handed, len(tc.cursors), tc.handed)
			}
		})
	}
}

func TestWalkStopsOnEmptyPage(t *testing.T) {
	t.Parallel()
	calls := 0
	err := Walk(context.Background(), "", func(_ context.Context, after string) (*Page[int], error) {
		calls++
		return &Page[int]{PageInfo: PageInfo{EndCursor: "c" + after, HasNextPage: true}}, nil
	}, func([]int, string) error { return nil })
	if err != nil || calls != 1 {
		t.Errorf("Walk = %v after %d calls; want nil after 1", err, calls)
	}
}

func TestListFiltersOnTheWire(t *testing.T) {
	t.Parallel()
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"data": []any{}, "page_info": map[string]any{"end_cursor": nil, "has_next_page": false}})
	})
	c := testClient(t, srv, newFakeClock(), nil)
	ctx := context.Background()
	after := time.Date(2026, 3, 14, 17, 2, 11, 123e6, time.UTC)
	if _, err := c.ListMemberships(ctx, ListMembershipsParams{
		Statuses: []string{"active", "trialing"}, ProductIDs: []string{"prod_1", "prod_2"}, PlanIDs: []string{"plan_1"},
		UserIDs: []string{"user_1"}, CreatedAfter: after, First: 500, After: "cur_x",
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListPayments(ctx, ListPaymentsParams{UpdatedAfter: after, Statuses: []string{"paid"}, First: 50}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListMembers(ctx, ListMembersParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListProducts(ctx, ListProductsParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListPlans(ctx, ListPlansParams{ProductIDs: []string{"prod_1"}}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	m := reqs[0]
	if m.URL.Path != "/api/v1/memberships" {
		t.Errorf("path = %s; want /api/v1/memberships", m.URL.Path)
	}
	if !strings.Contains(m.URL.RawQuery, "statuses%5B%5D=active&statuses%5B%5D=trialing") {
		t.Errorf("raw query %q; want bracketed statuses in order", m.URL.RawQuery)
	}
	q := m.URL.Query()
	wantQ := map[string][]string{
		"statuses[]": {"active", "trialing"}, "product_ids[]": {"prod_1", "prod_2"}, "plan_ids[]": {"plan_1"},
		"user_ids[]": {"user_1"}, "created_after": {"2026-03-14T17:02:11.123Z"}, "first": {"100"}, "after": {"cur_x"},
		"company_id": {"biz_Xy12Ab34Cd56Ef"},
	}
	if !reflect.DeepEqual(map[string][]string(q), wantQ) {
		t.Errorf("membership query = %v; want %v", q, wantQ)
	}
	p := reqs[1].URL.Query()
	if reqs[1].URL.Path != "/api/v1/payments" || p.Get("updated_after") != "2026-03-14T17:02:11.123Z" || p.Get("first") != "50" || p["statuses[]"][0] != "paid" {
		t.Errorf("payments request = %s?%s; want updated_after, first=50, statuses[]=paid", reqs[1].URL.Path, reqs[1].URL.RawQuery)
	}
	for i, want := range []string{"/api/v1/memberships", "/api/v1/payments", "/api/v1/members", "/api/v1/products", "/api/v1/plans"} {
		if reqs[i].URL.Path != want {
			t.Errorf("request %d path = %s; want %s", i, reqs[i].URL.Path, want)
		}
	}
	if got := reqs[4].URL.Query()["product_ids[]"]; !reflect.DeepEqual(got, []string{"prod_1"}) {
		t.Errorf("plans product_ids[] = %v; want [prod_1]", got)
	}
	// Whop's SDK lists products and plans by account_id; the rest by company_id.
	for i, r := range reqs {
		q := r.URL.Query()
		wantAccount := ""
		if i >= 3 {
			wantAccount = "biz_Xy12Ab34Cd56Ef"
		}
		if q.Get("company_id") != "biz_Xy12Ab34Cd56Ef" || q.Get("account_id") != wantAccount {
			t.Errorf("%s company_id = %q, account_id = %q; want biz_Xy12Ab34Cd56Ef and %q", r.URL.Path, q.Get("company_id"), q.Get("account_id"), wantAccount)
		}
	}
}
