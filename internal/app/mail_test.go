package app

import (
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/mail/mailtest"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestInviteIsEmailed configures the app with EMAIL_* variables pointing at a
// real SMTP server and invites someone through the web UI: the invitation
// arrives with a working link, the outbox says sent, and the database keeps
// no working link.
func TestInviteIsEmailed(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			sink := mailtest.Start(t, "roster", "smtp-pass-123")
			env := map[string]string{
				"ROSTER_DATA_DIR": t.TempDir(), "ROSTER_ENCRYPTION_KEY": base64.StdEncoding.EncodeToString(make([]byte, 32)),
				"ROSTER_BASE_URL": "http://roster.test", "EMAIL_SMTP_HOST": sink.Host, "EMAIL_SMTP_PORT": strings.TrimPrefix(sink.Addr(), sink.Host+":"),
				"EMAIL_SMTP_USER": "roster", "EMAIL_SMTP_PASSWORD": "smtp-pass-123", "EMAIL_SMTP_NO_TLS": "true",
				"EMAIL_FROM_ADDRESS": "crm@acme.test", "EMAIL_FROM_NAME": "Acme CRM",
			}
			if d == "postgres" {
				env["DATABASE_URL"] = storetest.PostgresURL(t)
			}
			cfg, err := config.Load(func(k string) string { return env[k] }, config.Options{})
			if err != nil {
				t.Fatal(err)
			}
			a, err := open(ctx, cfg, slog.New(slog.DiscardHandler), openParams{Migrate: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			srv := httpserver.New(httpserver.Config{Logger: slog.New(slog.DiscardHandler), Store: a.Store})
			if err := a.mount(srv); err != nil {
				t.Fatal(err)
			}
			hs := httptest.NewServer(srv.Handler())
			t.Cleanup(hs.Close)
			if _, _, err := a.Auth.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: "Acme", AdminEmail: "admin@acme.test", AdminPassword: "password-123", AdminName: "Ada"}); err != nil {
				t.Fatal(err)
			}
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar}
			post := func(path string, form url.Values) (int, string) {
				req, _ := http.NewRequest("POST", hs.URL+path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", hs.URL)
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			get := func(path string) (int, string) {
				resp, err := c.Get(hs.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			if code, _ := post("/login", url.Values{"email": {"admin@acme.test"}, "password": {"password-123"}}); code != http.StatusOK {
				t.Fatalf("sign in = %d", code)
			}
			_, page := get("/settings/members")
			csrf := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(page)
			if csrf == nil {
				t.Fatal("no csrf token on the members page")
			}
			code, page := post("/settings/members/invite", url.Values{"csrf_token": {csrf[1]}, "email": {"bob@acme.test"}, "role": {"member"}})
			if code != http.StatusOK || !strings.Contains(page, "Invitation emailed to bob@acme.test") {
				t.Fatalf("invite = %d; want the page to say it was emailed", code)
			}

			got := sink.Messages()
			if len(got) != 1 || got[0].From != "crm@acme.test" || len(got[0].To) != 1 || got[0].To[0] != "bob@acme.test" {
				t.Fatalf("sink = %+v; want one message from crm@acme.test to bob@acme.test", got)
			}
			if subj := got[0].Header.Get("Subject"); subj != "Join Acme on Roster" {
				t.Errorf("Subject = %q", subj)
			}
			link := regexp.MustCompile(`http://roster\.test/invite/[A-Za-z0-9]+`).FindString(string(got[0].Data))
			if link == "" {
				t.Fatalf("the email holds no invite link:\n%s", got[0].Data)
			}
			resp, err := http.Get(hs.URL + strings.TrimPrefix(link, "http://roster.test"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("the emailed link = %d; want the join page", resp.StatusCode)
			}
			token := strings.TrimPrefix(link, "http://roster.test/invite/")
			var status, stored string
			if err := a.Store.Read.QueryRowContext(ctx, `SELECT status, body || coalesce(sealed_body, '') FROM email_outbox`).Scan(&status, &stored); err != nil {
				t.Fatal(err)
			}
			if status != "sent" || strings.Contains(stored, token) {
				t.Errorf("outbox row: status %q, token stored %v; want sent with the token masked", status, strings.Contains(stored, token))
			}
			if _, list := get("/settings/email"); !strings.Contains(list, "Sent through SMTP: "+sink.Addr()) || !strings.Contains(list, "bob@acme.test") || strings.Contains(list, "smtp-pass-123") {
				t.Error("Settings -> Email: want the SMTP server, the sent invite and no password")
			}
		})
	}
}

func TestCLIServeRefusesBadEmailConfig(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(make([]byte, 32))
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"EMAIL_DRIVER": "foo"}, "EMAIL_DRIVER"},
		{map[string]string{"EMAIL_SMTP_HOST": "smtp.example.com", "EMAIL_SMTP_PORT": "99999", "EMAIL_FROM_ADDRESS": "a@b.test"}, "EMAIL_SMTP_PORT"},
	} {
		tc.env["ROSTER_DATA_DIR"], tc.env["ROSTER_ENCRYPTION_KEY"] = t.TempDir(), key
		_, errOut, code := run(t, tc.env, "serve")
		if code == 0 || !strings.Contains(errOut, tc.want) || strings.Contains(strings.TrimSpace(errOut), "\n") {
			t.Errorf("serve with %v: code %d, %q; want one line naming %s", tc.env, code, errOut, tc.want)
		}
	}
}
