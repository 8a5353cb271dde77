package graph_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

const auditLogsQuery = `query($filter: AuditLogFilterInput, $first: Int, $after: String) {
  auditLogs(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id createdAt action label actor { kind id name } target { type id label } details ip userAgent } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`

func TestAuditLogs(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		log := audit.New(audit.Config{Store: s})
		ctx := audit.WithOrigin(context.Background(), audit.Origin{IP: "203.0.113.4", UserAgent: "curl/8.5.0"})
		ada := audit.Member("member-ada", "Ada")
		record := func(ws string, en audit.Entry) {
			t.Helper()
			if err := log.Record(ctx, ws, en); err != nil {
				t.Fatal(err)
			}
		}
		record(e.wsA, audit.Entry{Action: audit.MemberRoleChanged, Actor: ada, Target: audit.Target{Type: audit.TargetMember, ID: "member-bob", Label: "bob@acme.test"}, Details: map[string]any{"from": "member", "to": "admin"}})
		record(e.wsA, audit.Entry{Action: audit.APIKeyCreated, Actor: ada, Target: audit.Target{Type: audit.TargetAPIKey, ID: "key-1", Label: "Zapier"}})
		record(e.wsA, audit.Entry{Action: audit.WhopSyncFinished, Actor: audit.System("Whop")})
		record(e.wsB, audit.Entry{Action: audit.MemberRemoved, Actor: audit.Member("member-zed", "Zed")})

		t.Run("admins read the log", func(t *testing.T) {
			data := e.ok(t, auditLogsQuery, nil)
			if n := len(at(data, "auditLogs.edges").([]any)); n != 3 || fmt.Sprint(at(data, "auditLogs.totalCount")) != "3" {
				t.Fatalf("auditLogs = %d entries (total %v); want A's 3", n, at(data, "auditLogs.totalCount"))
			}
			checkPaths(t, data, map[string]any{
				"auditLogs.edges.0.node.action":       "whop.sync.finished",
				"auditLogs.edges.0.node.actor.kind":   "SYSTEM",
				"auditLogs.edges.0.node.actor.id":     nil,
				"auditLogs.edges.0.node.target":       nil,
				"auditLogs.edges.2.node.action":       "member.role_changed",
				"auditLogs.edges.2.node.label":        "Member role changed",
				"auditLogs.edges.2.node.actor.kind":   "MEMBER",
				"auditLogs.edges.2.node.actor.id":     "member-ada",
				"auditLogs.edges.2.node.target.label": "bob@acme.test",
				"auditLogs.edges.2.node.details.to":   "admin",
				"auditLogs.edges.2.node.ip":           "203.0.113.4",
				"auditLogs.edges.2.node.userAgent":    "curl/8.5.0",
			})
		})

		t.Run("filters", func(t *testing.T) {
			for _, tt := range []struct {
				name   string
				filter map[string]any
				want   int
			}{
				{"action eq", map[string]any{"action": map[string]any{"eq": "api_key.created"}}, 1},
				{"action in", map[string]any{"action": map[string]any{"in": []any{"api_key.created", "member.role_changed", "member.removed"}}}, 2},
				{"actor", map[string]any{"actorId": map[string]any{"eq": "member-ada"}}, 2},
				{"another workspace's actor", map[string]any{"actorId": map[string]any{"eq": "member-zed"}}, 0},
				{"created before the first", map[string]any{"createdAt": map[string]any{"lte": "2000-01-01T00:00:00Z"}}, 0},
				{"created since a minute ago", map[string]any{"createdAt": map[string]any{"gte": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)}}, 3},
			} {
				data := e.ok(t, auditLogsQuery, map[string]any{"filter": tt.filter})
				if n := len(at(data, "auditLogs.edges").([]any)); n != tt.want {
					t.Errorf("auditLogs(%s) = %d entries; want %d", tt.name, n, tt.want)
				}
			}
			for _, tt := range []struct {
				name   string
				filter map[string]any
				field  string
			}{
				{"unknown action", map[string]any{"action": map[string]any{"eq": "member.deleted"}}, "filter.action"},
				{"gte after lte", map[string]any{"createdAt": map[string]any{"gte": "2026-02-01T00:00:00Z", "lte": "2026-01-01T00:00:00Z"}}, "filter.createdAt"},
				{"eq and in", map[string]any{"action": map[string]any{"eq": "member.removed", "in": []any{"member.removed"}}}, "filter.action"},
				{"empty in", map[string]any{"action": map[string]any{"in": []any{}}}, "filter.action.in"},
			} {
				r := e.do(t, apiKey(e.wsA), auditLogsQuery, map[string]any{"filter": tt.filter})
				if len(r.Errors) == 0 || r.Errors[0].Extensions["field"] != tt.field {
					t.Errorf("auditLogs(%s) errors = %+v; want one on %s", tt.name, r.Errors, tt.field)
				}
			}
		})

		t.Run("pages", func(t *testing.T) {
			data := e.ok(t, auditLogsQuery, map[string]any{"first": 2})
			if len(at(data, "auditLogs.edges").([]any)) != 2 || at(data, "auditLogs.pageInfo.hasNextPage") != true {
				t.Fatalf("first page = %v; want 2 entries and more", data)
			}
			data = e.ok(t, auditLogsQuery, map[string]any{"first": 2, "after": str(data, "auditLogs.pageInfo.endCursor")})
			if len(at(data, "auditLogs.edges").([]any)) != 1 || at(data, "auditLogs.pageInfo.hasNextPage") != false || str(data, "auditLogs.edges.0.node.action") != "member.role_changed" {
				t.Errorf("second page = %v; want the oldest entry alone", data)
			}
			if r := e.do(t, apiKey(e.wsA), auditLogsQuery, map[string]any{"after": "bogus"}); r.code() != "INVALID_VALUE" {
				t.Errorf("a bad cursor: %+v; want INVALID_VALUE", r.Errors)
			}
		})

		t.Run("members cannot read it", func(t *testing.T) {
			r := e.do(t, member(e.wsA), auditLogsQuery, nil)
			if r.code() != "FORBIDDEN" || r.Data != nil && at(r.Data, "auditLogs") != nil {
				t.Errorf("member auditLogs = %+v, %v; want FORBIDDEN and no data", r.Errors, r.Data)
			}
			// The older query shows members the Whop integration's entries
			// only, whatever they ask for.
			r = e.do(t, member(e.wsA), `{ auditLog { action } }`, nil)
			if len(r.Errors) != 0 || len(at(r.Data, "auditLog").([]any)) != 1 || str(r.Data, "auditLog.0.action") != "whop.sync.finished" {
				t.Errorf("member auditLog = %+v %v; want the one whop.* entry", r.Errors, r.Data)
			}
			r = e.do(t, member(e.wsA), `{ auditLog(action: "member.") { action } }`, nil)
			if r.code() != "FORBIDDEN" {
				t.Errorf("member auditLog(member.) = %+v; want FORBIDDEN", r.Errors)
			}
			if r := e.do(t, apiKey(e.wsA), `{ auditLog { action actor { source workspaceMemberId } } }`, nil); len(at(r.Data, "auditLog").([]any)) != 3 || str(r.Data, "auditLog.2.actor.source") != "MANUAL" || str(r.Data, "auditLog.2.actor.workspaceMemberId") != "member-ada" {
				t.Errorf("admin auditLog = %+v %v; want A's 3 entries, Ada's as MANUAL", r.Errors, r.Data)
			}
		})

		t.Run("workspace isolation", func(t *testing.T) {
			r := e.do(t, apiKey(e.wsB), auditLogsQuery, nil)
			if len(r.Errors) != 0 || len(at(r.Data, "auditLogs.edges").([]any)) != 1 || str(r.Data, "auditLogs.edges.0.node.action") != "member.removed" {
				t.Errorf("B's auditLogs = %+v %v; want B's one entry", r.Errors, r.Data)
			}
		})
	})
}
