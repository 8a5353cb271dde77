package graph_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/roster-crm/roster/bench/dataset"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/graph"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// BenchmarkGraphQLPeopleByWhopUserID measures people(first: 50) filtered by
// whopUserId through the real handler over loopback HTTP, JSON decoded, on
// 20,000 seeded people (seeded once per dialect, outside the timing). The
// 1M-row figures come from bench/cmd/rosterbench; see bench/BENCHMARKS.md.
func BenchmarkGraphQLPeopleByWhopUserID(b *testing.B) {
	run := func(b *testing.B, s *store.Store) {
		ctx := context.Background()
		svc := records.New(records.Config{Store: s})
		var ws string
		err := s.InTx(ctx, func(tx *sql.Tx) error {
			w, err := s.WorkspaceCreate(ctx, tx, &store.WorkspaceCreateParams{Name: "Bench", Now: time.Now()})
			if err == nil {
				ws = w.ID
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		spec := dataset.Spec{People: 20_000, Companies: 2_000, Seed: 1}
		if _, err := dataset.Load(ctx, dataset.LoadParams{Spec: spec, WorkspaceID: ws, Writers: []dataset.Writer{{Name: "bench", Records: svc}}}); err != nil {
			b.Fatal(err)
		}
		if s.Dialect == store.Postgres {
			// What autovacuum does soon after a bulk load; a fresh schema
			// has no statistics yet.
			if _, err := s.Write.ExecContext(ctx, "ANALYZE"); err != nil {
				b.Fatal(err)
			}
		}
		keyID := "bench"
		p := &auth.Principal{WorkspaceID: ws, APIKeyID: &keyID, Role: auth.RoleAdmin, Name: "bench"}
		h := graph.NewHandler(graph.Config{Records: svc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
		}))
		defer srv.Close()
		const query = `query($id: String) { people(filter: {whopUserId: {eq: $id}}, first: 50) {
  edges { cursor node { id name { firstName lastName } emails { primaryEmail } city jobTitle whopUserId } }
  pageInfo { hasNextPage endCursor } } }`
		r := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			body, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"id": spec.Keys(spec.RandomPerson(r, true)).WhopUserID}})
			resp, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			var out struct {
				Data struct {
					People struct {
						Edges []json.RawMessage `json:"edges"`
					} `json:"people"`
				} `json:"data"`
				Errors []json.RawMessage `json:"errors"`
			}
			err = json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if err != nil || len(out.Errors) > 0 || len(out.Data.People.Edges) != 1 {
				b.Fatalf("people(whopUserId) = %d edges, errors %s, %v; want 1 edge", len(out.Data.People.Edges), out.Errors, err)
			}
		}
	}
	b.Run("sqlite", func(b *testing.B) { run(b, storetest.NewSQLite(b)) })
	if os.Getenv(storetest.EnvPostgresURL) != "" {
		b.Run("postgres", func(b *testing.B) { run(b, storetest.NewPostgres(b)) })
	}
}
