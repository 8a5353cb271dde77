package web_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whop/whopsim"
)

func TestWhopIntegrationPage(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSettingsSite(t, s, true)
		admin := site.browser()
		ws := site.signIn(admin)
		const page = "/settings/integrations/whop"
		code, body, hdr := admin.get(page)
		if code != http.StatusOK {
			t.Fatalf("GET %s = %d", page, code)
		}
		// The OAuth form's redirect to Whop must pass the page's form-action.
		if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' "+site.whop.OAuthOrigin()+";") ||
			!strings.Contains(csp, "script-src 'self';") || site.whop.OAuthOrigin() == "" {
			t.Errorf("CSP = %q; want form-action to allow Whop's OAuth origin and nothing else changed", csp)
		}
		for _, hook := range []string{`id="company_id"`, "Whop company ID", "Connect with Whop", `action="/auth/whop"`, `id="api_key"`, `id="company_id_key"`,
			`id="webhook_secret"`, `id="webhook_url"`, `value="` + site.srv.URL + `/webhooks/whop/` + ws + `"`, "Not connected"} {
			if !strings.Contains(body, hook) {
				t.Errorf("Whop page lacks %s", hook)
			}
		}

		// Connect by API key: refusals land on their fields and echo no secret.
		bad := []struct {
			name  string
			form  url.Values
			errID string
		}{
			{"no key", url.Values{"company_id": {site.company}}, "api_key-error"},
			{"bad company", url.Values{"api_key": {site.apiKey}, "company_id": {"acme"}}, "company_id_key-error"},
			{"short secret", url.Values{"api_key": {site.apiKey}, "company_id": {site.company}, "webhook_secret": {"ws_short"}}, "webhook_secret-error"},
			{"wrong key", url.Values{"api_key": {"whop_sk_wrong_key_123"}, "company_id": {site.company}, "webhook_secret": {site.webhookSecret}}, "api_key-error"},
		}
		for _, c := range bad {
			code, body, _ := admin.settingsPost(page, page+"/connect", c.form)
			if code != http.StatusBadRequest || !strings.Contains(body, `id="`+c.errID+`"`) {
				t.Errorf("%s: connect = %d; want 400 with %s", c.name, code, c.errID)
			}
			for _, secret := range []string{site.apiKey, site.webhookSecret, "whop_sk_wrong_key_123"} {
				if strings.Contains(body, secret) {
					t.Errorf("%s: the page echoes a secret", c.name)
				}
			}
		}
		code, _, _ = admin.settingsPost(page, page+"/connect", url.Values{"api_key": {site.apiKey}, "company_id": {site.company}, "webhook_secret": {site.webhookSecret}})
		if code != http.StatusSeeOther {
			t.Fatalf("connect = %d; want 303", code)
		}
		_, body, _ = admin.get(page)
		if !strings.Contains(body, "Connected") || !strings.Contains(body, site.company) || !strings.Contains(body, "Set for this workspace") ||
			strings.Contains(body, site.apiKey) || strings.Contains(body, site.webhookSecret) {
			t.Fatal("after connecting: want status, company and secret set (never the secret itself)")
		}

		// Sync now -> the page of the run -> its event stream until it ends.
		// Whop answers slowly, so the stream sees the run move.
		site.sim.SetFaults(whopsim.Faults{Latency: 300 * time.Millisecond})
		code, _, h := admin.settingsPost(page, page+"/sync", nil)
		loc := h.Get("Location")
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, page+"?run=") {
			t.Fatalf("sync now = %d %s", code, loc)
		}
		runID := strings.TrimSuffix(strings.TrimPrefix(loc, page+"?run="), "#sync")
		if code, body, _ := admin.get(page + "?run=" + runID); code != http.StatusOK || !strings.Contains(body, `id="sync-progress"`) ||
			!strings.Contains(body, `id="sync-status"`) || !strings.Contains(body, `data-testid="last-run"`) {
			t.Fatalf("run page = %d; want progress, live region and run summary", code)
		}
		events := readSyncStream(t, admin, page+"/sync/"+runID+"/events")
		last := events[len(events)-1]
		if last.name != "done" || last.data.Status != "succeeded" {
			t.Fatalf("last event = %s %+v; want done, succeeded", last.name, last.data)
		}
		truth := site.sim.Counts()
		if last.data.Products != truth.Products || last.data.Users != truth.Members || last.data.Memberships != truth.Memberships || last.data.Payments != truth.Payments {
			t.Errorf("final counts = %+v; want the simulator's %+v", last.data, truth)
		}
		if last.data.Step != last.data.Steps || last.data.Steps != 5 {
			t.Errorf("final step = %d of %d; want 5 of 5", last.data.Step, last.data.Steps)
		}
		order := map[string]int{"": -1, "products": 0, "plans": 1, "members": 2, "memberships": 3, "payments": 4, "done": 5}
		prev := -1
		for _, e := range events {
			if e.name != "progress" && e.name != "done" {
				t.Errorf("event %q; want progress or done", e.name)
			}
			p, ok := order[e.data.Phase]
			if !ok || p < prev {
				t.Errorf("phase %q after step %d: want known phases in order", e.data.Phase, prev)
			}
			prev = max(prev, p)
		}
		phases := map[string]bool{}
		for _, e := range events[:len(events)-1] {
			phases[e.data.Phase] = true
		}
		// How many phases the stream sees depends on timing ("Sync now" may
		// join the sync that connecting started); at least one progress
		// event must come before done.
		if len(events) < 2 || len(phases) < 1 {
			t.Errorf("events = %d over phases %v; want progress before done", len(events), phases)
		}
		site.sim.SetFaults(whopsim.Faults{})
		_, body, _ = admin.get(page)
		if !strings.Contains(body, `data-testid="last-run"`) || !strings.Contains(body, "Succeeded") {
			t.Error("the page does not show the last run succeeded")
		}
		// The synced products are the people table's product choices.
		if _, people, _ := admin.get("/people"); strings.Count(people, `<option value="prod_`) != truth.Products || truth.Products == 0 {
			t.Errorf("the people table offers %d products; want the %d synced", strings.Count(people, `<option value="prod_`), truth.Products)
		}
		// The stream's times are the page's, text and ISO alike: the live
		// page never shows a second date format or "Not yet" for a known time.
		for _, want := range []string{`<time datetime="` + last.data.StartedISO + `">` + last.data.Started + `</time>`,
			`<time datetime="` + last.data.FinishedISO + `">` + last.data.Finished + `</time>`} {
			if last.data.Started == "" || last.data.Finished == "" || !strings.Contains(body, want) {
				t.Errorf("final event times %q / %q; want them as the page writes them (%s)", last.data.Started, last.data.Finished, want)
			}
		}

		// Test event through the real webhook handler.
		code, _, h = admin.settingsPost(page, page+"/test-event", nil)
		if code != http.StatusSeeOther {
			t.Fatalf("test event = %d", code)
		}
		if _, body, _ := admin.get(page); !strings.Contains(body, "Test event accepted") {
			t.Error("the page does not say the test event was accepted")
		}
		var n int
		if err := s.Read.QueryRow("SELECT COUNT(*) FROM whop_webhook_inbox WHERE workspace_id = $1 AND event_type = 'roster.test'", ws).Scan(&n); err != nil || n != 1 {
			t.Errorf("test events stored = %d, %v; want 1", n, err)
		}

		// Stage mapping.
		if code, _, _ := admin.settingsPost(page, page+"/mapping", url.Values{"stage_canceled": {"NOPE"}}); code != http.StatusBadRequest {
			t.Errorf("mapping to an unknown stage = %d; want 400", code)
		}
		if code, _, _ := admin.settingsPost(page, page+"/mapping", url.Values{"stage_canceled": {"NEW"}}); code != http.StatusSeeOther {
			t.Errorf("mapping = %d; want 303", code)
		}
		if _, body, _ := admin.get(page); !strings.Contains(body, `<option value="NEW" selected>New</option>`) {
			t.Error("the saved mapping is not selected")
		}

		// Whop refusing the credential: a banner with Reconnect, no syncing.
		ctx := context.Background()
		conn, err := s.WhopConnectionGet(ctx, nil, ws)
		if err != nil {
			t.Fatal(err)
		}
		conn.NeedsReauth = true
		if err := s.InTx(ctx, func(tx *sql.Tx) error { return s.WhopConnectionSave(ctx, tx, conn) }); err != nil {
			t.Fatal(err)
		}
		_, body, _ = admin.get(page)
		if !strings.Contains(body, `data-testid="needs-reauth"`) || !strings.Contains(body, ">Reconnect<") {
			t.Error("no reconnect banner when Whop needs re-authorisation")
		}
		if code, _, h := admin.settingsPost(page, page+"/sync", nil); code != http.StatusSeeOther || strings.Contains(h.Get("Location"), "run=") {
			t.Errorf("sync while needing reauth = %d %s; want back to the page without a run", code, h.Get("Location"))
		}
		if _, body, _ := admin.get(page); !strings.Contains(body, "Sync not started") {
			t.Error("the page does not say why the sync did not start")
		}

		// Disconnect needs the typed confirmation.
		if code, body, _ := admin.settingsPost(page, page+"/disconnect", url.Values{"confirm": {"yes"}}); code != http.StatusBadRequest || !strings.Contains(body, `id="confirm-error"`) {
			t.Fatalf("disconnect without DISCONNECT = %d; want 400 with confirm-error", code)
		}
		if code, _, _ := admin.settingsPost(page, page+"/disconnect", url.Values{"confirm": {"DISCONNECT"}}); code != http.StatusSeeOther {
			t.Fatalf("disconnect = %d", code)
		}
		if _, body, _ := admin.get(page); !strings.Contains(body, "Not connected") {
			t.Error("still connected after disconnect")
		}
	})
}

type syncEvent struct {
	name string
	data struct {
		Status, Phase                                                         string
		Step, Steps, Products, Users, Memberships, Payments, Writes, Requests int
		Errors                                                                []string
		Done                                                                  bool
		Started, StartedISO, Finished, FinishedISO                            string
	}
}

// readSyncStream reads a run's server-sent events until the server ends
// the stream.
func readSyncStream(t *testing.T, b *browser, path string) []syncEvent {
	t.Helper()
	req, _ := http.NewRequest("GET", b.site.srv.URL+path, nil)
	req.Header.Set("Accept", "text/event-stream")
	client := *b.c
	client.Timeout = 60 * time.Second
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" || resp.Header.Get("X-Accel-Buffering") != "no" {
		t.Fatalf("stream = %d %q; want 200 text/event-stream, unbuffered", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var out []syncEvent
	var cur syncEvent
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			cur.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &cur.data); err != nil {
				t.Fatalf("event data %q: %v", line, err)
			}
		case line == "" && cur.name != "":
			out = append(out, cur)
			cur = syncEvent{}
		}
	}
	if len(out) == 0 {
		t.Fatal("no events")
	}
	return out
}
