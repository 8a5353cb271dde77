package web_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

var testActor = crm.Actor{Source: crm.SourceManual, Name: "Test"}

// create makes one record through the records service.
func (s *site) create(ws string, o *crm.Object, in crm.Input) crm.Record {
	s.t.Helper()
	recs, err := s.records.Create(context.Background(), records.CreateParams{WorkspaceID: ws, Object: o, Actor: testActor, Inputs: []crm.Input{in}})
	if err != nil {
		s.t.Fatalf("create %s: %v", o.Name, err)
	}
	return recs[0]
}

// get reads a record back (including soft-deleted ones).
func (s *site) get(ws string, o *crm.Object, id string) crm.Record {
	s.t.Helper()
	r, err := s.records.Get(context.Background(), ws, o, id)
	if err != nil {
		s.t.Fatalf("get %s %s: %v", o.Name, id, err)
	}
	return r
}

// activity writes an integration activity as the Whop sync does.
func (s *site) activity(a *crm.TimelineActivity) {
	s.t.Helper()
	err := s.store.InTx(context.Background(), func(tx *sql.Tx) error {
		return s.records.AddActivitiesTx(context.Background(), tx, []*crm.TimelineActivity{a})
	})
	if err != nil {
		s.t.Fatal(err)
	}
}

// postJSON posts a form asking for a JSON answer, as pipeline.js does.
func (b *browser) postJSON(path string, form url.Values) (int, map[string]any) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.site.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Origin", b.site.srv.URL)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		b.t.Fatalf("POST %s: not JSON (%d): %.200s", path, resp.StatusCode, body)
	}
	return resp.StatusCode, out
}

// mustContain fails when body lacks any of the parts.
func mustContain(t *testing.T, what, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("%s does not contain %q", what, p)
		}
	}
}

func ptr[T any](v T) *T { return &v }

var day = 24 * time.Hour

// recordsUpdate builds an opportunity update made by the Whop sync.
func recordsUpdate(ws, id string, in crm.Input) records.UpdateParams {
	return records.UpdateParams{WorkspaceID: ws, Object: crm.OpportunityObject, Actor: crm.Actor{Source: crm.SourceSystem, Name: "Whop"}, ID: id, Input: in}
}
