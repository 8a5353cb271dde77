package web_test

import (
	"context"
	"database/sql"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/browsertest"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/webhooks"
)

var webhookLinkRE = regexp.MustCompile(`href="/settings/webhooks/([0-9a-f-]{36})"`)

// logAttempt stores a delivery of webhookID with one failed attempt, as the
// delivery job would have, so the log has a row to show and redeliver.
func logAttempt(t *testing.T, s *store.Store, ws, webhookID string) string {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	d := &store.WebhookDelivery{ID: crm.NewID(), WorkspaceID: ws, WebhookID: webhookID, EventKey: crm.NewID(), EventType: "person.created",
		Body: `{"type":"person.created"}`, Status: store.DeliveryPending, CreatedAt: now, UpdatedAt: now}
	code := 503
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.WebhookDeliveryCreate(ctx, tx, d); err != nil {
			return err
		}
		return s.WebhookAttemptRecord(ctx, tx, &store.WebhookAttemptRecordParams{Status: store.DeliveryPending, Attempt: &store.WebhookAttempt{
			ID: crm.NewID(), WorkspaceID: ws, WebhookID: webhookID, DeliveryID: d.ID, Attempt: 1, EventType: d.EventType,
			AttemptedAt: now, StatusCode: &code, DurationMS: 42, Error: "", Response: "busy",
		}})
	})
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

func TestWebhookSettings(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSettingsSite(t, s, false)
		admin := site.browser()
		ws := site.signIn(admin)
		code, body, _ := admin.get("/settings/webhooks")
		if code != http.StatusOK || !strings.Contains(body, "No webhooks yet") || !strings.Contains(body, `href="/settings/webhooks" aria-current="page"`) {
			t.Fatalf("GET /settings/webhooks = %d; want an empty list with its tab current", code)
		}

		// A target on this machine is refused, naming the field.
		code, body, _ = admin.settingsPost("/settings/webhooks", "/settings/webhooks", url.Values{"targetUrl": {"http://127.0.0.1:9/x"}, "operations": {"*.*"}})
		if code != http.StatusBadRequest || !strings.Contains(body, `id="targetUrl-error"`) || !strings.Contains(body, "loopback") {
			t.Fatalf("create with a loopback URL = %d; want 400 with the error on the URL", code)
		}
		code, body, _ = admin.settingsPost("/settings/webhooks", "/settings/webhooks", url.Values{"targetUrl": {"https://hooks.example.com/in"}, "operations": {"people.created"}})
		if code != http.StatusBadRequest || !strings.Contains(body, `id="operations-error"`) {
			t.Fatalf("create with an unknown object = %d; want 400 with the error on the events", code)
		}

		code, body, _ = admin.settingsPost("/settings/webhooks", "/settings/webhooks", url.Values{"targetUrl": {"https://hooks.example.com/in"}, "operations": {"person.created, *.updated"}, "description": {"Zapier"}})
		secret := html.UnescapeString(regexp.MustCompile(`whsec_[^"]+`).FindString(body))
		if code != http.StatusOK || len(secret) != len("whsec_")+44 {
			t.Fatalf("create = %d; want the page showing the whsec_ secret", code)
		}
		_, body, _ = admin.get("/settings/webhooks")
		m := webhookLinkRE.FindStringSubmatch(body)
		if m == nil || !strings.Contains(body, "https://hooks.example.com/in") || strings.Contains(html.UnescapeString(body), secret) {
			t.Fatalf("list after create: link %v, want the target and no secret", m)
		}
		id := m[1]
		delivery := logAttempt(t, s, ws, id)
		code, body, _ = admin.get("/settings/webhooks/" + id)
		for _, want := range []string{"person.created", "503", "42 ms", `data-testid="webhook-log"`, "Redeliver", `value="person.created, *.updated"`} {
			if !strings.Contains(body, want) {
				t.Errorf("webhook page lacks %q", want)
			}
		}
		if code != http.StatusOK || strings.Contains(html.UnescapeString(body), secret) {
			t.Errorf("webhook page = %d or shows the secret", code)
		}

		// Redeliver queues a job for that delivery.
		ctx := context.Background()
		if err := jobs.Migrate(ctx, s); err != nil {
			t.Fatal(err)
		}
		if err := site.queue.Open(ctx); err != nil {
			t.Fatal(err)
		}
		code, _, hdr := admin.settingsPost("/settings/webhooks/"+id, "/settings/webhooks/"+id+"/deliveries/"+delivery+"/redeliver", nil)
		if code != http.StatusSeeOther || hdr.Get("Location") != "/settings/webhooks/"+id {
			t.Errorf("redeliver = %d to %q; want 303 back to the webhook", code, hdr.Get("Location"))
		}
		var jobsQueued int
		if err := s.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE kind = 'webhook_delivery'`).Scan(&jobsQueued); err != nil || jobsQueued != 1 {
			t.Errorf("webhook_delivery jobs after redeliver = %d, %v; want 1", jobsQueued, err)
		}

		// Turning it off shows on the list.
		code, _, _ = admin.settingsPost("/settings/webhooks/"+id, "/settings/webhooks/"+id, url.Values{"targetUrl": {"https://hooks.example.com/in"}, "operations": {"*.*"}, "description": {"Zapier"}})
		if code != http.StatusSeeOther {
			t.Fatalf("save = %d; want 303", code)
		}
		if _, body, _ = admin.get("/settings/webhooks"); !strings.Contains(body, "Disabled") || !strings.Contains(body, "*.*") {
			t.Errorf("list after switching off: want Disabled and the new events")
		}

		// Members are kept out; another workspace's webhook is not found.
		mem := site.member(ws, "mia@acme.test", auth.RoleMember)
		if code, _, _ := mem.get("/settings/webhooks"); code != http.StatusForbidden {
			t.Errorf("member GET /settings/webhooks = %d; want 403", code)
		}
		other, _, err := site.auth.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: "Other", AdminEmail: "o@other.test", AdminPassword: "password-123"})
		if err != nil {
			t.Fatal(err)
		}
		key := "k"
		theirs, err := site.hooks.Create(ctx, &auth.Principal{WorkspaceID: other.ID, APIKeyID: &key, Role: auth.RoleAdmin}, webhooks.CreateParams{TargetURL: "https://other.example.com/", Operations: []string{"*.*"}})
		if err != nil {
			t.Fatal(err)
		}
		if code, body, _ := admin.get("/settings/webhooks/" + theirs.ID); code != http.StatusNotFound || strings.Contains(body, "other.example.com") {
			t.Errorf("GET another workspace's webhook = %d; want 404", code)
		}

		if code, _, _ := admin.get("/settings/webhooks/" + id + "/delete"); code != http.StatusOK {
			t.Errorf("delete confirm = %d", code)
		}
		if code, _, _ := admin.settingsPost("/settings/webhooks/"+id+"/delete", "/settings/webhooks/"+id+"/delete", nil); code != http.StatusSeeOther {
			t.Errorf("delete = %d; want 303", code)
		}
		if _, body, _ = admin.get("/settings/webhooks"); !strings.Contains(body, "No webhooks yet") {
			t.Errorf("list after delete still shows a webhook")
		}
	})
}

// TestWebhookSettingsInBrowser adds a webhook with the keyboard in headless
// Chromium, reads its secret once, and checks every webhook page with
// axe-core in light and dark and at 360 px. (SQLite alone: the dialect
// does not change the pages.)
func TestWebhookSettingsInBrowser(t *testing.T) {
	s := storetest.NewSQLite(t)
	site := newSettingsSite(t, s, false)
	ws := site.signIn(site.browser())
	b := browsertest.Start(t)
	p := b.NewPage(t, site.srv.URL)
	p.Navigate("/login?" + url.Values{"next": {"/settings/webhooks"}}.Encode())
	p.Fill(browsertest.Label("Email"), "admin@acme.test")
	p.Fill(browsertest.Label("Password"), "password-123")
	p.ClickNav(browsertest.Label("Sign in"))
	p.Navigate("/settings/webhooks")
	browsertest.Axe(t, p)
	p.Screenshot("settings-webhooks-empty")

	p.Fill(browsertest.Label("Target URL (https://… on the internet; Roster's own network is refused)"), "https://hooks.example.com/roster")
	p.Fill(browsertest.Label("Events"), "person.created, *.updated")
	p.Fill(browsertest.Label("Description (optional)"), "Zapier")
	p.Focus(browsertest.Label("Description (optional)"))
	p.Keys("\r")
	p.WaitVisible(browsertest.CSS(`[data-testid="webhook-secret"]`))
	if v := browsertest.Eval[string](p, `document.querySelector('[data-testid="webhook-secret"]').value`); !strings.HasPrefix(v, "whsec_") {
		t.Fatalf("secret field = %q; want whsec_...", v)
	}
	browsertest.Axe(t, p)
	p.ClickNav(browsertest.Label("Done, I copied it"))

	pg, err := site.hooks.List(context.Background(), &auth.Principal{WorkspaceID: ws, Role: auth.RoleAdmin}, webhooks.ListParams{})
	if err != nil || len(pg.Webhooks) != 1 {
		t.Fatalf("webhooks after the form = %v, %v; want 1", pg, err)
	}
	logAttempt(t, s, ws, pg.Webhooks[0].ID)
	p.Reload()
	p.WaitVisible(browsertest.CSS(`[data-testid="webhook-log"]`))
	for _, dark := range []bool{false, true} {
		p.ColorScheme(dark)
		browsertest.Axe(t, p)
		p.Screenshot("settings-webhook")
	}
	p.ColorScheme(false)
	p.Navigate("/settings/webhooks")
	browsertest.Axe(t, p)
	p.Screenshot("settings-webhooks")
	p.DocsImage("settings-webhooks", 1280)
}
