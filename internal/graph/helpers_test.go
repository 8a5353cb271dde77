package graph_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/graph"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
)

// env is a GraphQL endpoint over a real records service with two
// workspaces, A and B.
type env struct {
	h      http.Handler
	s      *store.Store
	wsA    string
	wsB    string
	logged *bytes.Buffer
}

func newEnv(t *testing.T, s *store.Store) *env {
	t.Helper()
	logged := &bytes.Buffer{}
	h := graph.NewHandler(graph.Config{Records: records.New(records.Config{Store: s}), Audit: audit.New(audit.Config{Store: s}), Logger: slog.New(slog.NewTextHandler(logged, nil))})
	return &env{h: h, s: s, wsA: newWorkspace(t, s, "A"), wsB: newWorkspace(t, s, "B"), logged: logged}
}

func newWorkspace(t *testing.T, s *store.Store, name string) string {
	t.Helper()
	ctx := context.Background()
	var id string
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		w, err := s.WorkspaceCreate(ctx, tx, &store.WorkspaceCreateParams{Name: name, Now: time.Now()})
		if err == nil {
			id = w.ID
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// apiKey is the principal of an API key of workspace ws (an admin).
func apiKey(ws string) *auth.Principal {
	id := "00000000-0000-7000-8000-000000000001"
	return &auth.Principal{WorkspaceID: ws, APIKeyID: &id, Role: auth.RoleAdmin, Name: "test key"}
}

// member is a signed-in non-admin member of ws.
func member(ws string) *auth.Principal {
	id := "00000000-0000-7000-8000-000000000002"
	return &auth.Principal{WorkspaceID: ws, MemberID: &id, UserID: &id, Role: auth.RoleMember, Name: "Mia"}
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Data   map[string]any `json:"data"`
	Errors []gqlError     `json:"errors"`
	status int
}

// code is the first error's extensions.code, or "".
func (r *response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// do posts a query as principal p (nil: unauthenticated), the way the app
// mounts the handler behind the auth middleware.
func (e *env) do(t *testing.T, p *auth.Principal, query string, vars map[string]any) *response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if p != nil {
		req = req.WithContext(auth.WithPrincipal(req.Context(), p))
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	raw, _ := io.ReadAll(rec.Body)
	out := &response{status: rec.Code}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return out
}

// ok runs a query as the API key of workspace A and fails on any error.
func (e *env) ok(t *testing.T, query string, vars map[string]any) map[string]any {
	t.Helper()
	r := e.do(t, apiKey(e.wsA), query, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("query %s\nerrors = %+v; want none", strings.TrimSpace(query), r.Errors)
	}
	return r.Data
}

// at walks a decoded response by a dotted path; numeric parts index lists.
func at(v any, path string) any {
	if path == "" {
		return v
	}
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	if n, ok := v.(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return i
		}
		f, _ := n.Float64()
		return f
	}
	return v
}

func str(v any, path string) string { s, _ := at(v, path).(string); return s }

// checkPaths compares values at paths with want.
func checkPaths(t *testing.T, data map[string]any, want map[string]any) {
	t.Helper()
	for path, w := range want {
		got := at(data, path)
		if wi, ok := w.(int); ok {
			w = int64(wi)
		}
		if !jsonEqual(got, w) {
			t.Errorf("%s = %#v; want %#v", path, got, w)
		}
	}
}

func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// names lists the values at field under each edge's node.
func names(data map[string]any, conn, field string) []string {
	var out []string
	edges, _ := at(data, conn+".edges").([]any)
	for _, e := range edges {
		out = append(out, str(e, "node."+field))
	}
	return out
}
