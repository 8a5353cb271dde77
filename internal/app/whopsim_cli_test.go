package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// TestWhopSimBanner: `roster whop sim --users 60` makes 60 customers, each
// holding a membership, and its banner states what the company's lists
// return.
func TestWhopSimBanner(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := cmdWhopSim(ctx, &cliEnv{stdout: pw, stderr: io.Discard, getenv: func(string) string { return "" }},
			[]string{"--addr", "127.0.0.1:0", "--users", "60", "--tick", "0"})
		pw.CloseWithError(fmt.Errorf("whop sim returned: %v", err))
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the banner: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	m := regexp.MustCompile(`^Whop simulator on (\S+) \((\d+) members, (\d+) memberships, (\d+) payments\)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("banner = %q; want \"Whop simulator on URL (N members, N memberships, N payments)\"", line)
	}
	base := m[1] + "/api/v1"
	want := map[string]string{"members": m[2], "memberships": m[3], "payments": m[4]}
	if want["members"] != "60" {
		t.Errorf("banner members = %s; want 60 for --users 60", want["members"])
	}
	holders := map[string]bool{}
	for _, res := range []string{"members", "memberships", "payments"} {
		items := listSim(t, base, res)
		if got := strconv.Itoa(len(items)); got != want[res] {
			t.Errorf("GET /%s listed %s; the banner says %s", res, got, want[res])
		}
		if res == "memberships" {
			for _, it := range items {
				holders[it.User.ID] = true
			}
		}
	}
	if len(holders) != 60 {
		t.Errorf("%d users hold a membership; want all 60 customers", len(holders))
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("whop sim: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("whop sim did not stop after its context ended")
	}
}

type simItem struct {
	ID   string `json:"id"`
	User struct {
		ID string `json:"id"`
	} `json:"user"`
}

// listSim walks one list of the simulator started by the CLI, with its
// printed company API key.
func listSim(t *testing.T, base, resource string) []simItem {
	t.Helper()
	var all []simItem
	after := ""
	for {
		q := url.Values{"company_id": {simCompanyID}, "first": {"100"}}
		if after != "" {
			q.Set("after", after)
		}
		req, _ := http.NewRequest(http.MethodGet, base+"/"+resource+"?"+q.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+simAPIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Data     []simItem `json:"data"`
			PageInfo struct {
				EndCursor   string `json:"end_cursor"`
				HasNextPage bool   `json:"has_next_page"`
			} `json:"page_info"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /%s: status %d, %v", resource, resp.StatusCode, err)
		}
		all = append(all, page.Data...)
		if !page.PageInfo.HasNextPage || page.PageInfo.EndCursor == "" {
			return all
		}
		after = page.PageInfo.EndCursor
	}
}
