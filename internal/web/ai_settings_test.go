package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/ai"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/browsertest"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/web"
)

func newAISite(t *testing.T, s *store.Store) (*site, *ai.Service) {
	t.Helper()
	sealer, err := secret.NewSealer(secret.Key{Bytes: bytes.Repeat([]byte{4}, secret.KeySize)})
	if err != nil {
		t.Fatal(err)
	}
	recs := records.New(records.Config{Store: s})
	svc := ai.New(ai.Config{Store: s, Records: recs, Sealer: sealer})
	return newSiteWith(t, s, recs, func(c *web.Config) { c.AI = svc }), svc
}

func TestAISettings(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site, svc := newAISite(t, s)
		admin := site.browser()
		ws := site.signIn(admin)
		if _, err := svc.AnalyzeSentiment(context.Background(), ai.Call{WorkspaceID: ws}, "Thanks, great call"); err != nil {
			t.Fatal(err)
		}
		code, body, _ := admin.get("/settings/ai")
		if code != http.StatusOK || !strings.Contains(body, `data-testid="ai-provider">offline`) || !strings.Contains(body, `href="/settings/ai" aria-current="page"`) ||
			!strings.Contains(body, "AI_ANALYZE_SENTIMENT") || !strings.Contains(body, "Calls by model") {
			t.Fatalf("GET /settings/ai = %d; want the offline provider, its tab current and this month's call", code)
		}

		code, body, _ = admin.settingsPost("/settings/ai", "/settings/ai", url.Values{"provider": {"openai"}, "budget": {"lots"}})
		if code != http.StatusBadRequest || !strings.Contains(body, `id="budget-error"`) {
			t.Fatalf("bad budget = %d; want 400 with the error on the budget", code)
		}
		code, body, _ = admin.settingsPost("/settings/ai", "/settings/ai", url.Values{"provider": {"openai"}, "apiKey": {"short"}})
		if code != http.StatusBadRequest || !strings.Contains(body, `id="apiKey-error"`) {
			t.Fatalf("short key = %d; want 400 with the error on the key", code)
		}
		st, _ := svc.Settings(context.Background(), ws)
		if st.Provider != "" || st.HasKey {
			t.Fatalf("settings after refused forms = %+v; want nothing changed", st)
		}
		code, _, _ = admin.settingsPost("/settings/ai", "/settings/ai", url.Values{"provider": {"openai"}, "model": {"gpt-4o-mini"},
			"apiKey": {"sk-web-SECRET-2468"}, "budget": {"12.5"}, "rate": {"30"}, "redact": {"on"}})
		if code != http.StatusSeeOther {
			t.Fatalf("save = %d; want 303", code)
		}
		_, body, _ = admin.get("/settings/ai")
		if strings.Contains(body, "SECRET") || !strings.Contains(body, "ending …2468") || !strings.Contains(body, `data-testid="ai-provider">openai`) ||
			!strings.Contains(body, `value="12.5"`) || !strings.Contains(body, `value="30"`) {
			t.Errorf("page after saving shows the key or lost a setting")
		}
		st, _ = svc.Settings(context.Background(), ws)
		if st.Model != "gpt-4o-mini" || st.MonthlyBudgetMicros == nil || *st.MonthlyBudgetMicros != 12_500_000 || st.RatePerMinute != 30 || !st.RedactPII {
			t.Errorf("settings = %+v", st)
		}

		code, csv, hdr := admin.get("/settings/ai/usage.csv")
		if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || !strings.HasPrefix(csv, "createdAt,userId,") ||
			!strings.Contains(csv, ",AI_ANALYZE_SENTIMENT,builtin:AI_ANALYZE_SENTIMENT,0,offline,lexicon-v1,") {
			t.Errorf("usage.csv = %d %q", code, csv)
		}
		member := site.member(ws, "mo@acme.test", auth.RoleMember)
		if code, _, _ := member.get("/settings/ai"); code != http.StatusForbidden {
			t.Errorf("GET /settings/ai as a member = %d; want 403", code)
		}
	})
}

// TestAISettingsInBrowser checks Settings -> AI with axe-core in light and
// dark. (SQLite alone: the dialect does not change the page.)
func TestAISettingsInBrowser(t *testing.T) {
	s := storetest.NewSQLite(t)
	site, svc := newAISite(t, s)
	ws := site.signIn(site.browser())
	if _, err := svc.ScoreLead(context.Background(), ai.Call{WorkspaceID: ws}, "person", "00000000-0000-0000-0000-000000000000"); err == nil {
		t.Fatal("ScoreLead(unknown) = nil; want not found")
	}
	if _, err := svc.AnalyzeSentiment(context.Background(), ai.Call{WorkspaceID: ws}, "Really unhappy with the refund"); err != nil {
		t.Fatal(err)
	}
	b := browsertest.Start(t)
	p := b.NewPage(t, site.srv.URL)
	p.Navigate("/login?" + url.Values{"next": {"/settings/ai"}}.Encode())
	p.Fill(browsertest.Label("Email"), "admin@acme.test")
	p.Fill(browsertest.Label("Password"), "password-123")
	p.ClickNav(browsertest.Label("Sign in"))
	p.Navigate("/settings/ai")
	p.WaitVisible(browsertest.CSS(`[data-testid="ai-recent"]`))
	for _, dark := range []bool{false, true} {
		p.ColorScheme(dark)
		browsertest.Axe(t, p)
		p.Screenshot("settings-ai")
	}
	p.ColorScheme(false)

	// The record page's AI menu, with the keyboard-free path a pointer user
	// takes: open the menu, draft an email, and check the draft page.
	recs, err := site.records.Create(context.Background(), records.CreateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: crm.Actor{Source: crm.SourceManual, Name: "Ada Admin"},
		Inputs: []crm.Input{{"name": map[string]any{"firstName": "Ada"}, "jobTitle": "CEO"}}})
	if err != nil {
		t.Fatal(err)
	}
	p.Navigate("/people/" + recs[0].Meta().ID)
	p.Click(browsertest.CSS(`[data-testid="ai-menu"] summary`))
	browsertest.Axe(t, p)
	p.Fill(browsertest.Label("Email goal"), "invite Ada to the beta")
	p.ClickNav(browsertest.CSS(`form[action$="/ai/draft"] button`))
	p.WaitVisible(browsertest.CSS(`[data-testid="ai-draft"]`))
	if v := browsertest.Eval[string](p, `document.getElementById('draft-body').value`); !strings.HasPrefix(v, "Hi Ada!") {
		t.Errorf("draft body = %q; want the offline draft", v)
	}
	for _, dark := range []bool{false, true} {
		p.ColorScheme(dark)
		browsertest.Axe(t, p)
		p.Screenshot("record-ai-draft")
	}
	p.ColorScheme(false)

	// The template editor with a preview.
	p.Navigate("/settings/ai/templates?id=builtin:AI_SCORE_LEAD")
	p.Select(browsertest.Label("Person"), recs[0].Meta().ID)
	p.ClickNav(browsertest.CSS(`button[value="preview"]`))
	p.WaitVisible(browsertest.CSS(`[data-testid="ai-preview"]`))
	for _, dark := range []bool{false, true} {
		p.ColorScheme(dark)
		browsertest.Axe(t, p)
		p.Screenshot("settings-ai-templates")
	}
}

// The record page's AI menu: summary, lead score and an editable draft,
// each saying which provider made it; a bad input shows its error.
func TestRecordAIButtons(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site, _ := newAISite(t, s)
		admin := site.browser()
		ws := site.signIn(admin)
		recs, err := site.records.Create(context.Background(), records.CreateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: crm.Actor{Source: crm.SourceManual, Name: "Ada Admin"},
			Inputs: []crm.Input{{"name": map[string]any{"firstName": "Ada"}, "emails": map[string]any{"primaryEmail": "ada@engines.test"}, "jobTitle": "CEO"}}})
		if err != nil {
			t.Fatal(err)
		}
		page := "/people/" + recs[0].Meta().ID
		code, body, _ := admin.get(page)
		if code != http.StatusOK || !strings.Contains(body, `data-testid="ai-menu"`) || !strings.Contains(body, page+"/ai/score") {
			t.Fatalf("GET %s = %d; want the AI menu", page, code)
		}
		code, body, _ = admin.settingsPost(page, page+"/ai/score", nil)
		if code != http.StatusOK || !strings.Contains(body, `data-testid="ai-score"`) || !strings.Contains(body, "job title &#34;CEO&#34; is senior") ||
			!strings.Contains(body, "offline (rules-v1)") {
			t.Errorf("score lead = %d; want the score with its reasons, by offline rules-v1:\n%s", code, body)
		}
		code, body, _ = admin.settingsPost(page, page+"/ai/summary", nil)
		if code != http.StatusOK || !strings.Contains(body, "There are no notes on Ada yet.") {
			t.Errorf("summarize notes = %d", code)
		}
		code, body, _ = admin.settingsPost(page, page+"/ai/draft", url.Values{"goal": {"invite Ada to the beta"}, "tone": {"formal"}})
		if code != http.StatusOK || !strings.Contains(body, `id="draft-body"`) || !strings.Contains(body, "Dear Ada,") || !strings.Contains(body, "mailto:ada@engines.test?") {
			t.Errorf("draft email = %d; want an editable draft with a mailto link", code)
		}
		code, body, _ = admin.settingsPost(page, page+"/ai/draft", url.Values{"goal": {""}})
		if code != http.StatusBadRequest || !strings.Contains(body, `data-testid="ai-error"`) || !strings.Contains(body, "goal") {
			t.Errorf("draft without a goal = %d; want 400 naming the goal", code)
		}
	})
}

// Settings -> AI -> Templates: preview a copy of a built-in template for a
// person (nothing sent, nothing recorded), save it as a version, and a
// refused template names its field.
func TestAITemplateEditor(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site, svc := newAISite(t, s)
		admin := site.browser()
		ws := site.signIn(admin)
		recs, err := site.records.Create(context.Background(), records.CreateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: crm.Actor{Source: crm.SourceManual, Name: "Ada Admin"},
			Inputs: []crm.Input{{"name": map[string]any{"firstName": "Ada", "lastName": "Lovelace"}, "jobTitle": "CEO"}}})
		if err != nil {
			t.Fatal(err)
		}
		page := "/settings/ai/templates?id=builtin:AI_DRAFT_EMAIL"
		code, body, _ := admin.get(page)
		if code != http.StatusOK || !strings.Contains(body, "Copy of the built-in") || !strings.Contains(body, "{{person.firstName}}") {
			t.Fatalf("GET %s = %d", page, code)
		}
		form := url.Values{"id": {"builtin:AI_DRAFT_EMAIL"}, "action": {"AI_DRAFT_EMAIL"}, "name": {"Short drafts"}, "system": {"Two sentences."},
			"user": {"Goal: {{goal}} for {{person.name}}, {{person.jobTitle}}"}, "personId": {recs[0].Meta().ID}, "goal": {"renewal"}, "intent": {"preview"}}
		code, body, _ = admin.settingsPost(page, "/settings/ai/templates", form)
		if code != http.StatusOK || !strings.Contains(body, `data-testid="ai-preview"`) || !strings.Contains(body, "Goal: renewal for Ada Lovelace, CEO") || !strings.Contains(body, "Nothing was sent") {
			t.Fatalf("preview = %d; want the rendered prompt:\n%s", code, body)
		}
		if rows, _ := svc.UsageRecords(context.Background(), ws, ai.UsageFilter{}, false, 10); len(rows) != 0 {
			t.Errorf("usage after a preview = %d rows; want 0", len(rows))
		}
		form.Set("intent", "save")
		code, _, hdr := admin.settingsPost(page, "/settings/ai/templates", form)
		if code != http.StatusSeeOther || !strings.Contains(hdr.Get("Location"), "/settings/ai/templates?id=") {
			t.Fatalf("save = %d %s; want a redirect to the saved template", code, hdr.Get("Location"))
		}
		_, body, _ = admin.get(hdr.Get("Location"))
		if !strings.Contains(body, "Short drafts (version 1)") {
			t.Errorf("saved template page lacks its version")
		}
		form.Set("system", "Hi {{person.name}}")
		code, body, _ = admin.settingsPost(page, "/settings/ai/templates", form)
		if code != http.StatusBadRequest || !strings.Contains(body, `id="system-error"`) {
			t.Errorf("save with a variable in the instructions = %d; want 400 on system", code)
		}
	})
}
