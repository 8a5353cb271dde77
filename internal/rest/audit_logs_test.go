package rest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/rest"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestAuditLogsREST(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		wsA, wsB := newWorkspace(t, s, "A"), newWorkspace(t, s, "B")
		log := audit.New(audit.Config{Store: s})
		h := rest.NewHandler(rest.Config{Records: records.New(records.Config{Store: s}), Audit: log})
		ada := audit.Member("member-ada", "Ada")
		for _, x := range []struct {
			ws string
			e  audit.Entry
		}{
			{wsA, audit.Entry{Action: audit.MemberRemoved, Actor: ada, Target: audit.Target{Type: audit.TargetMember, ID: "member-bob", Label: "bob@acme.test"}}},
			{wsA, audit.Entry{Action: audit.APIKeyRevoked, Actor: audit.APIKey("key-1", "Zapier"), Target: audit.Target{Type: audit.TargetAPIKey, ID: "key-1", Label: "Zapier"}}},
			{wsA, audit.Entry{Action: audit.ExportCSV, Actor: ada, Details: map[string]any{"rows": 3}}},
			{wsB, audit.Entry{Action: audit.ExportCSV, Actor: audit.Member("member-zed", "Zed")}},
		} {
			if err := log.Record(context.Background(), x.ws, x.e); err != nil {
				t.Fatal(err)
			}
		}
		adminA := &auth.Principal{WorkspaceID: wsA, APIKeyID: ptr("key-a"), Role: auth.RoleAdmin, Name: "key A"}
		memberA := &auth.Principal{WorkspaceID: wsA, UserID: ptr("u-1"), MemberID: ptr("m-1"), Role: auth.RoleMember, Name: "Mia"}
		adminB := &auth.Principal{WorkspaceID: wsB, APIKeyID: ptr("key-b"), Role: auth.RoleAdmin, Name: "key B"}
		fetch := func(p *auth.Principal, query string) (int, map[string]any) {
			t.Helper()
			req := httptest.NewRequest(http.MethodGet, "/rest/auditLogs?"+query, nil)
			if p != nil {
				req = req.WithContext(auth.WithPrincipal(req.Context(), p))
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var out map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatalf("GET /rest/auditLogs?%s: %v: %s", query, err, rec.Body)
			}
			return rec.Code, out
		}
		actions := func(out map[string]any) []string {
			var got []string
			list, _ := get(out, "data.auditLogs")
			for _, e := range list.([]any) {
				got = append(got, e.(map[string]any)["action"].(string))
			}
			return got
		}

		for _, tt := range []struct {
			name, query string
			want        string
		}{
			{"all", "", "[export.csv api_key.revoked member.removed]"},
			{"action eq", "action[eq]=member.removed", "[member.removed]"},
			{"action in", "action[in]=member.removed,export.csv", "[export.csv member.removed]"},
			{"actor", "actorId[eq]=key-1", "[api_key.revoked]"},
			{"since", "createdAt[gte]=2000-01-01T00:00:00Z&" + url.Values{"createdAt[lte]": {"2999-01-01T00:00:00+01:00"}}.Encode(), "[export.csv api_key.revoked member.removed]"},
			{"before anything", "createdAt[lte]=2000-01-01T00:00:00Z", "[]"},
		} {
			code, out := fetch(adminA, tt.query)
			if got := fmt.Sprint(actions(out)); code != http.StatusOK || got != tt.want {
				t.Errorf("GET ?%s (%s) = %d %s; want 200 %s", tt.query, tt.name, code, got, tt.want)
			}
		}
		code, out := fetch(adminA, "action[eq]=api_key.revoked")
		if v, _ := get(out, "data.auditLogs.0.actor.kind"); code != 200 || v != "API_KEY" {
			t.Errorf("actor.kind = %v; want API_KEY", v)
		}
		if v, _ := get(out, "data.auditLogs.0.target.label"); v != "Zapier" {
			t.Errorf("target.label = %v; want Zapier", v)
		}

		// Pages: limit and starting_after, with the total.
		_, out = fetch(adminA, "limit=2")
		cursor, _ := get(out, "pageInfo.endCursor")
		if got := fmt.Sprint(actions(out)); got != "[export.csv api_key.revoked]" || fmt.Sprint(out["totalCount"]) != "3" {
			t.Fatalf("limit=2 = %s (total %v); want the two newest of 3", got, out["totalCount"])
		}
		_, out = fetch(adminA, url.Values{"limit": {"2"}, "starting_after": {cursor.(string)}}.Encode())
		if got := fmt.Sprint(actions(out)); got != "[member.removed]" {
			t.Errorf("second page = %s; want [member.removed]", got)
		}

		for _, tt := range []struct{ query, field string }{
			{"action[eq]=member.deleted", "action[eq]"},
			{"action[in]=member.removed,nope", "action[in]"},
			{"action[eq]=member.removed&action[in]=export.csv", "action[in]"},
			{"acton[eq]=member.removed", "acton[eq]"},
			{"createdAt[gte]=yesterday", "createdAt[gte]"},
			{"limit=0", "limit"},
			{"limit=500", "limit"},
			{"starting_after=bogus", "starting_after"},
			{"actorId[eq]=a&actorId[eq]=b", "actorId[eq]"},
		} {
			code, out := fetch(adminA, tt.query)
			if field, _ := get(out, "error.field"); code != http.StatusBadRequest || field != tt.field {
				t.Errorf("GET ?%s = %d %v; want 400 naming %s", tt.query, code, out, tt.field)
			}
		}

		if code, _ := fetch(memberA, ""); code != http.StatusForbidden {
			t.Errorf("member GET /rest/auditLogs = %d; want 403", code)
		}
		if code, _ := fetch(nil, ""); code != http.StatusUnauthorized {
			t.Errorf("anonymous GET /rest/auditLogs = %d; want 401", code)
		}
		if _, out := fetch(adminB, ""); fmt.Sprint(actions(out)) != "[export.csv]" {
			t.Errorf("B's log = %v; want B's one entry", actions(out))
		}
	})
}
