package rest_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/rest"
	"github.com/roster-crm/roster/internal/store"
)

// env is a REST handler over a real records service with two workspaces:
// A holds the fixtures the scenarios query, B holds one person and one
// company that A must never see.
type env struct {
	t       *testing.T
	store   *store.Store
	svc     *records.Service
	handler http.Handler
	wsA     string
	wsB     string
	ids     map[string]string // fixture name -> record ID
}

const maxBody = 1 << 20

// newEnv builds the fixtures. The handler is wrapped the way the app wraps
// it: a body limit, and a principal chosen by the X-Test-As header ("A" by
// default, "B", or "-" for none), standing in for auth.Middleware.
func newEnv(t *testing.T, s *store.Store) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, store: s, svc: records.New(records.Config{Store: s}), ids: map[string]string{}}
	e.wsA, e.wsB = newWorkspace(t, s, "A"), newWorkspace(t, s, "B")
	h := rest.NewHandler(rest.Config{Records: e.svc, BaseURL: "https://crm.example.com"})
	principals := map[string]*auth.Principal{
		"A": {WorkspaceID: e.wsA, Name: "key A", APIKeyID: ptr("key-a"), Role: auth.RoleAdmin},
		"B": {WorkspaceID: e.wsB, Name: "key B", APIKeyID: ptr("key-b"), Role: auth.RoleAdmin},
	}
	e.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		}
		who := r.Header.Get("X-Test-As")
		if who == "" {
			who = "A"
		}
		if p := principals[who]; p != nil {
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		h.ServeHTTP(w, r)
	})

	for _, d := range []crm.FieldDefinition{
		{Object: "person", Name: "tier", Type: crm.TypeSelect, Options: []crm.FieldOption{{Value: "GOLD"}, {Value: "SILVER"}}},
		{Object: "person", Name: "score", Type: crm.TypeNumber},
		{Object: "person", Name: "vip", Type: crm.TypeBoolean},
		{Object: "person", Name: "joined", Type: crm.TypeDateTime},
		{Object: "person", Name: "price", Type: crm.TypeCurrency},
	} {
		if _, err := e.svc.CreateField(ctx, e.wsA, d); err != nil {
			t.Fatalf("CreateField(%s) = %v", d.Name, err)
		}
	}
	e.create(e.wsA, crm.CompanyObject, "acme", crm.Input{"name": "Acme", "domainName": map[string]any{"primaryLinkUrl": "acme.com"}, "employees": 50, "idealCustomerProfile": true})
	e.create(e.wsA, crm.CompanyObject, "globex", crm.Input{"name": "Globex", "domainName": map[string]any{"primaryLinkUrl": "globex.com"}, "employees": 5})
	e.create(e.wsA, crm.PersonObject, "ada", crm.Input{
		"name": map[string]any{"firstName": "Ada", "lastName": "Lovelace"}, "city": "London",
		"emails":    map[string]any{"primaryEmail": "ada@example.com", "additionalEmails": []any{"ada2@example.com"}},
		"companyId": e.ids["acme"], "tier": "GOLD", "score": 10, "vip": true, "joined": "2024-01-15T09:30:00Z",
		"price": map[string]any{"amountMicros": 5000000, "currencyCode": "USD"},
	})
	e.create(e.wsA, crm.PersonObject, "grace", crm.Input{
		"name": map[string]any{"firstName": "Grace", "lastName": "Hopper"}, "city": "New York, NY",
		"emails": map[string]any{"primaryEmail": "grace@example.com"}, "tier": "SILVER", "score": 5, "vip": false,
	})
	e.create(e.wsA, crm.PersonObject, "alan", crm.Input{
		"name": map[string]any{"firstName": "Alan", "lastName": "Turing"}, "city": "Paris (FR)",
		"emails": map[string]any{"primaryEmail": "alan@example.com"},
	})
	e.create(e.wsA, crm.PersonObject, "linus", crm.Input{
		"name": map[string]any{"firstName": "Linus", "lastName": "Torvalds"}, "emails": map[string]any{"primaryEmail": "linus@x.io"},
	})
	e.create(e.wsA, crm.OpportunityObject, "deal", crm.Input{
		"name": "Big deal", "stage": "MEETING", "closeDate": "2024-06-01T00:00:00Z", "pointOfContactId": e.ids["ada"],
		"amount": map[string]any{"amountMicros": 5000000000, "currencyCode": "USD"},
	})
	e.create(e.wsA, crm.NoteObject, "note", crm.Input{"title": "Call notes", "bodyV2": map[string]any{"markdown": "# Hi"}})
	e.create(e.wsA, crm.TaskObject, "task", crm.Input{"title": "Follow up", "status": "IN_PROGRESS", "dueAt": "2024-07-01T12:00:00Z"})
	e.create(e.wsB, crm.PersonObject, "bob", crm.Input{"name": map[string]any{"firstName": "Bob"}, "emails": map[string]any{"primaryEmail": "bob@b.example"}})
	e.create(e.wsB, crm.CompanyObject, "initech", crm.Input{"name": "Initech"})
	return e
}

func (e *env) create(ws string, o *crm.Object, name string, in crm.Input) {
	e.t.Helper()
	recs, err := e.svc.Create(context.Background(), records.CreateParams{WorkspaceID: ws, Object: o, Actor: crm.Actor{Source: crm.SourceAPI, Name: "fixture"}, Inputs: []crm.Input{in}})
	if err != nil {
		e.t.Fatalf("create %s: %v", name, err)
	}
	e.ids[name] = recs[0].Meta().ID
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

func ptr(s string) *string { return &s }

// expand replaces {name} with the fixture's ID.
func (e *env) expand(s string) string {
	for name, id := range e.ids {
		s = strings.ReplaceAll(s, "{"+name+"}", id)
	}
	return s
}

// response is a decoded reply.
type response struct {
	status int
	body   string
	json   any
}

// do sends a request as the given principal ("A", "B" or "-").
func (e *env) do(as, method, url, body string) response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(e.expand(body))
	}
	req := httptest.NewRequest(method, e.expand(url), rd)
	if as != "" {
		req.Header.Set("X-Test-As", as)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	res := response{status: rec.Code, body: rec.Body.String()}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		e.t.Errorf("%s %s: Content-Type = %q; want application/json", method, url, ct)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &res.json); err != nil {
		e.t.Errorf("%s %s: body is not JSON: %v\n%s", method, url, err, res.body)
	}
	return res
}

// get walks a decoded JSON value by a dotted path; numeric segments index
// arrays. It returns nil, false when the path does not exist.
func get(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	for _, seg := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[seg]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// names lists data.<key>[*].name.firstName (or .name for other objects).
func names(v any, key string) []string {
	list, _ := get(v, "data."+key)
	arr, _ := list.([]any)
	out := []string{}
	for _, x := range arr {
		if n, ok := get(x, "name.firstName"); ok {
			out = append(out, n.(string))
		} else if n, ok := get(x, "name"); ok {
			out = append(out, n.(string))
		} else if n, ok := get(x, "title"); ok {
			out = append(out, n.(string))
		}
	}
	return out
}
