package whopsim

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// walk pages forward through path until the page says it is the last one
// (has_next_page false or a null cursor) and returns the IDs in order and the
// number of requests.
func walk(t *testing.T, f *fixture, path string, first int) ([]string, int) {
	t.Helper()
	var ids []string
	after, requests := "", 0
	for {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		q := fmt.Sprintf("%s%sfirst=%d", path, sep, first)
		if after != "" {
			q += "&after=" + url.QueryEscape(after)
		}
		r := f.get(t, q, testKey, nil)
		requests++
		if r.status != 200 {
			t.Fatalf("GET %s = %d %s", q, r.status, r.raw)
		}
		for _, d := range dataList(t, r) {
			ids = append(ids, d["id"].(string))
		}
		pi := r.body["page_info"].(map[string]any)
		end, _ := pi["end_cursor"].(string)
		if pi["has_next_page"] != true || end == "" {
			return ids, requests
		}
		after = end
		if requests > 10000 {
			t.Fatal("pagination does not end")
		}
	}
}

func TestPaginationWalk(t *testing.T) {
	t.Parallel()
	for _, style := range []string{LastPageNullCursor, LastPageHasNextFalse} {
		f := newFixture(t, Config{LastPageStyle: style, RateLimit: -1}, GenerateParams{Users: 120, Memberships: 137, Payments: 250})
		for _, tt := range []struct {
			path string
			want int
		}{
			{"/api/v1/memberships?company_id=" + f.gen.CompanyID, 137},
			{"/api/v1/payments?company_id=" + f.gen.CompanyID, 250},
			{"/api/v1/members?company_id=" + f.gen.CompanyID, f.sim.Counts().Members},
		} {
			for _, first := range []int{1, 7, 20, 100} {
				t.Run(fmt.Sprintf("%s/%s/first=%d", style, tt.path[8:15], first), func(t *testing.T) {
					f.sim.ResetRequests()
					ids, requests := walk(t, f, tt.path, first)
					seen := map[string]bool{}
					for _, id := range ids {
						if seen[id] {
							t.Fatalf("id %s returned twice", id)
						}
						seen[id] = true
					}
					if len(ids) != tt.want {
						t.Errorf("walk returned %d records; want %d", len(ids), tt.want)
					}
					if wantReq := (tt.want + first - 1) / first; requests != wantReq {
						t.Errorf("walk took %d requests; want %d", requests, wantReq)
					}
				})
			}
		}
		t.Run(style+"/last page shape", func(t *testing.T) {
			r := f.get(t, "/api/v1/plans?company_id="+f.gen.CompanyID, testKey, nil)
			pi := r.body["page_info"].(map[string]any)
			if pi["has_next_page"] != false {
				t.Fatalf("has_next_page = %v; want false", pi["has_next_page"])
			}
			if gotNull := pi["end_cursor"] == nil; gotNull != (style == LastPageNullCursor) {
				t.Errorf("end_cursor = %v under %s", pi["end_cursor"], style)
			}
		})
	}
}

func TestPaginationBackwardAndOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{RateLimit: -1}, GenerateParams{Memberships: 30})
	base := "/api/v1/memberships?company_id=" + f.gen.CompanyID
	all, _ := walk(t, f, base, 100)
	// Backward from the end with last/before.
	var back []string
	before := ""
	for {
		q := base + "&last=7"
		if before != "" {
			q += "&before=" + url.QueryEscape(before)
		}
		r := f.get(t, q, testKey, nil)
		page := dataList(t, r)
		ids := make([]string, len(page))
		for i, d := range page {
			ids[i] = d["id"].(string)
		}
		back = append(ids, back...)
		pi := r.body["page_info"].(map[string]any)
		start, _ := pi["start_cursor"].(string)
		if pi["has_previous_page"] != true || start == "" {
			break
		}
		before = start
	}
	if strings.Join(back, ",") != strings.Join(all, ",") {
		t.Errorf("backward walk = %v; want %v", back, all)
	}
	desc, _ := walk(t, f, base+"&direction=desc", 8)
	for i := range desc {
		if desc[i] != all[len(all)-1-i] {
			t.Fatalf("direction=desc[%d] = %s; want %s", i, desc[i], all[len(all)-1-i])
		}
	}
}

func TestPageSize(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{RateLimit: -1}, GenerateParams{Users: 150, Memberships: 150})
	base := "/api/v1/memberships?company_id=" + f.gen.CompanyID
	tests := []struct {
		query      string
		wantStatus int
		wantLen    int
	}{
		{"", 200, 20},
		{"&first=500", 200, 100},
		{"&first=0", 400, 0},
		{"&first=abc", 400, 0},
		{"&first=5&last=5", 400, 0},
		{"&after=not-a-cursor", 400, 0},
		{"&first=3&unknown_param=1", 200, 3},
	}
	for _, tt := range tests {
		r := f.get(t, base+tt.query, testKey, nil)
		if r.status != tt.wantStatus {
			t.Errorf("%s: status = %d; want %d (%s)", tt.query, r.status, tt.wantStatus, r.raw)
			continue
		}
		if tt.wantStatus == 200 && len(dataList(t, r)) != tt.wantLen {
			t.Errorf("%s: len = %d; want %d", tt.query, len(dataList(t, r)), tt.wantLen)
		}
		if tt.wantStatus == 400 && errorType(r) == "" {
			t.Errorf("%s: error body = %s; want {\"error\":{\"type\":...}}", tt.query, r.raw)
		}
	}
}

func TestFilters(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{RateLimit: -1}, GenerateParams{Users: 200, Memberships: 300, Payments: 500})
	base := "/api/v1/memberships?company_id=" + f.gen.CompanyID
	all := listAll(t, f, base)
	count := func(pred func(map[string]any) bool) int {
		n := 0
		for _, m := range all {
			if pred(m) {
				n++
			}
		}
		return n
	}
	mid := all[len(all)/2]
	midCreated := mid["created_at"].(string)
	prod := all[0]["product"].(map[string]any)["id"].(string)
	user := all[0]["user"].(map[string]any)["id"].(string)
	tests := []struct {
		name  string
		query string
		want  int
	}{
		{"statuses", "&statuses[]=active&statuses[]=trialing", count(func(m map[string]any) bool { return m["status"] == "active" || m["status"] == "trialing" })},
		{"product_ids", "&product_ids[]=" + prod, count(func(m map[string]any) bool { return m["product"].(map[string]any)["id"] == prod })},
		{"user_ids", "&user_ids[]=" + user, count(func(m map[string]any) bool { return m["user"].(map[string]any)["id"] == user })},
		{"created_after", "&created_after=" + url.QueryEscape(midCreated), count(func(m map[string]any) bool { return m["created_at"].(string) > midCreated })},
		{"created_before", "&created_before=" + url.QueryEscape(midCreated), count(func(m map[string]any) bool { return m["created_at"].(string) < midCreated })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := listAll(t, f, base+tt.query)
			if len(got) != tt.want || tt.want == 0 {
				t.Errorf("%s: %d records; want %d (non-zero)", tt.query, len(got), tt.want)
			}
		})
	}
	t.Run("payments updated_after", func(t *testing.T) {
		cut := f.clock.Now()
		f.clock.Advance(time.Minute)
		pid := firstPayment(t, f)
		if _, err := f.sim.Refund(pid, 0); err != nil {
			t.Fatal(err)
		}
		got := listAll(t, f, "/api/v1/payments?company_id="+f.gen.CompanyID+"&updated_after="+url.QueryEscape(cut.Format(time.RFC3339)))
		if len(got) != 1 || got[0]["id"] != pid || got[0]["substatus"] != "refunded" {
			t.Errorf("updated_after = %v; want only the refunded %s", got, pid)
		}
		unix := listAll(t, f, fmt.Sprintf("/api/v1/payments?company_id=%s&updated_after=%d", f.gen.CompanyID, cut.Unix()))
		if len(unix) != 1 {
			t.Errorf("updated_after in unix seconds: %d records; want 1", len(unix))
		}
	})
}

func listAll(t *testing.T, f *fixture, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	after := ""
	for {
		q := path + "&first=100"
		if after != "" {
			q += "&after=" + url.QueryEscape(after)
		}
		r := f.get(t, q, testKey, nil)
		if r.status != 200 {
			t.Fatalf("GET %s = %d %s", q, r.status, r.raw)
		}
		out = append(out, dataList(t, r)...)
		pi := r.body["page_info"].(map[string]any)
		end, _ := pi["end_cursor"].(string)
		if pi["has_next_page"] != true || end == "" {
			return out
		}
		after = end
	}
}

// TestVersionHeader: the original date and the one Whop's SDK sends by
// default both answer with the SDK's nested shapes; any other date is a 400.
func TestVersionHeader(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{}, GenerateParams{})
	mid := activeMembership(t, f)
	path := "/api/v1/memberships/" + mid
	nested := []string{"user", "product", "plan", "company", "member", "renewal_period_end", "checkout_configuration_id", "custom_field_responses"}
	flat := []string{"user_id", "product_id", "account_id", "current_period_end"}
	tests := []struct {
		header     string
		wantStatus int
	}{
		{"", 200},
		{"2025-01-01", 200},
		{"2026-07-20", 200},
		{"2026-06-08", 400},
		{"2026-06-09", 400},
		{"2024-13-45", 400},
		{"2030-01-01", 400},
		{"yesterday", 400},
	}
	for _, tt := range tests {
		t.Run("date="+tt.header, func(t *testing.T) {
			r := f.get(t, path, testKey, map[string]string{"Api-Version-Date": tt.header})
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d; want %d (%s)", r.status, tt.wantStatus, r.raw)
			}
			if tt.wantStatus == 400 {
				if errorType(r) != "invalid_request" {
					t.Errorf("error body = %s; want type invalid_request", r.raw)
				}
				return
			}
			for _, k := range nested {
				if _, ok := r.body[k]; !ok {
					t.Errorf("key %s missing in %s", k, r.raw)
				}
			}
			for _, k := range flat {
				if _, ok := r.body[k]; ok {
					t.Errorf("key %s present in %s", k, r.raw)
				}
			}
		})
	}
}

// TestListCompanyParam: the SDK lists products and plans with account_id,
// the rest with company_id; the simulator takes either on every list.
func TestListCompanyParam(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{}, GenerateParams{})
	co := f.gen.CompanyID
	for _, res := range []string{"products", "plans", "memberships", "members", "payments"} {
		tests := []struct {
			query      string
			wantStatus int
		}{
			{"company_id=" + co, 200},
			{"account_id=" + co, 200},
			{"company_id=" + co + "&account_id=" + co, 200},
			{"company_id=" + co + "&account_id=biz_SomebodyElse01", 400},
			{"account_id=biz_SomebodyElse01", 403},
			{"", 400},
		}
		for _, tt := range tests {
			t.Run(res+"?"+tt.query, func(t *testing.T) {
				r := f.get(t, "/api/v1/"+res+"?"+tt.query, testKey, nil)
				if r.status != tt.wantStatus {
					t.Fatalf("status = %d; want %d (%s)", r.status, tt.wantStatus, r.raw)
				}
				if tt.wantStatus == 200 && len(dataList(t, r)) == 0 {
					t.Errorf("no %s listed", res)
				}
			})
		}
	}
}

func TestAuth(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{}, GenerateParams{})
	list := "/api/v1/memberships?company_id=" + f.gen.CompanyID
	tests := []struct {
		name       string
		path       string
		token      string
		wantStatus int
		wantType   string
	}{
		{"no token", list, "", 401, "unauthorized"},
		{"unknown token", list, "nope", 401, "unauthorized"},
		{"other company", list, testKeyOth, 403, "forbidden"},
		{"lacking scope", list, testKeyPlan, 403, "forbidden"},
		{"scope ok", "/api/v1/plans?company_id=" + f.gen.CompanyID, testKeyPlan, 200, ""},
		{"missing company_id", "/api/v1/memberships", testKey, 400, "invalid_request"},
		{"get other company's membership", "/api/v1/memberships/" + activeMembership(t, f), testKeyOth, 404, "not_found"},
		{"unknown id", "/api/v1/payments/pay_doesnotexist00", testKey, 404, "not_found"},
		{"unknown route", "/api/v1/nothing", testKey, 404, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(t, tt.path, tt.token, nil)
			if r.status != tt.wantStatus || errorType(r) != tt.wantType {
				t.Errorf("status, type = %d %q; want %d %q (%s)", r.status, errorType(r), tt.wantStatus, tt.wantType, r.raw)
			}
		})
	}
}

func TestEmailNeedsScope(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{}, GenerateParams{})
	countEmails := func(token string) (withEmail, total int) {
		r := f.get(t, "/api/v1/memberships?first=100&company_id="+f.gen.CompanyID, token, nil)
		for _, m := range dataList(t, r) {
			total++
			if u := m["user"].(map[string]any); u["email"] != nil {
				withEmail++
			}
		}
		return
	}
	if n, total := countEmails(testKey); n == 0 || n == total {
		t.Errorf("with member:email:read: %d of %d emails; want most but not all (~90%%)", n, total)
	}
	if n, _ := countEmails(testKeyNoEm); n != 0 {
		t.Errorf("without member:email:read: %d emails; want 0", n)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	for _, header := range []bool{false, true} {
		f := newFixture(t, Config{RateLimit: 3, RetryAfterHeader: header}, GenerateParams{})
		path := "/api/v1/products?company_id=" + f.gen.CompanyID
		for i := range 3 {
			if r := f.get(t, path, testKey, nil); r.status != 200 {
				t.Fatalf("request %d = %d; want 200", i, r.status)
			}
		}
		f.clock.Advance(48 * time.Second)
		r := f.get(t, path, testKey, nil)
		if want := `{"error":{"message":"Try again in 12 seconds.","type":"rate_limit_exceeded"}}`; r.status != 429 || strings.TrimSpace(string(r.raw)) != want {
			t.Errorf("over limit = %d %s; want 429 %s", r.status, r.raw, want)
		}
		if got := r.header.Get("Retry-After"); (got == "12") != header {
			t.Errorf("Retry-After = %q with RetryAfterHeader=%v", got, header)
		}
		// Another endpoint and another credential have their own budgets.
		if r := f.get(t, "/api/v1/plans?company_id="+f.gen.CompanyID, testKey, nil); r.status != 200 {
			t.Errorf("other endpoint = %d; want 200", r.status)
		}
		if r := f.get(t, path, testKeyNoEm, nil); r.status != 200 {
			t.Errorf("other credential = %d; want 200", r.status)
		}
		f.clock.Advance(12 * time.Second)
		if r := f.get(t, path, testKey, nil); r.status != 200 {
			t.Errorf("next window = %d; want 200", r.status)
		}
		if got := f.sim.Requests(EndpointProducts); got != 6 {
			t.Errorf("Requests(products) = %d; want 6", got)
		}
	}
}

func TestAPIFaults(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{}, GenerateParams{})
	path := "/api/v1/payments?company_id=" + f.gen.CompanyID
	f.sim.SetFaults(Faults{ServerErrors: 3, ServerErrorEndpoint: EndpointPayments})
	if r := f.get(t, "/api/v1/plans?company_id="+f.gen.CompanyID, testKey, nil); r.status != 200 {
		t.Errorf("other endpoint during burst = %d; want 200", r.status)
	}
	for _, want := range []int{500, 502, 503, 200} {
		if r := f.get(t, path, testKey, nil); r.status != want {
			t.Errorf("burst status = %d; want %d", r.status, want)
		}
	}

	f.sim.SetFaults(Faults{TruncateBodies: 1})
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil {
		t.Errorf("truncated body read without error; want unexpected EOF")
	}
	if r := f.get(t, path, testKey, nil); r.status != 200 || r.body == nil {
		t.Errorf("after truncation = %d; want a whole 200", r.status)
	}

	f.sim.SetFaults(Faults{ExpireTokens: true})
	if r := f.get(t, path, testKey, nil); r.status != 401 {
		t.Errorf("expired tokens = %d; want 401", r.status)
	}
	f.sim.SetFaults(Faults{Latency: 30 * time.Millisecond})
	start := time.Now()
	f.get(t, path, testKey, nil)
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("latency = %v; want >= 30ms", d)
	}
}
