// Command rosterbench measures Roster against its performance goals: bulk
// create throughput through the records service, people(first: 50) latency
// for indexed lookups and substring search, and the memory of `roster serve`
// idle and under load. It seeds a fresh database (a SQLite file, or a
// PostgreSQL database it drops and recreates), prints a table, and writes
// the figures as JSON. Run it from the module root:
//
//	go run ./bench/cmd/rosterbench -db sqlite -people 1000000 -out bench/results-sqlite.json
//	go run ./bench/cmd/rosterbench -db postgres -people 1000000 -out bench/results-postgres.json
//
// It is not a test and never runs in CI; see bench/BENCHMARKS.md.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/roster-crm/roster/bench/dataset"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
)

// options are the command-line flags.
type options struct {
	db, dataDir, pgAdmin, pgDB, jobs, phases, apis, out, roster, cpuProfile string
	people, batch, requests, searchRequests, totalRequests, concurrency     int
	seed                                                                    uint64
	reuse                                                                   bool
	settle, duration, budget                                                time.Duration
}

// results is everything one run measured; -out writes it as JSON.
type results struct {
	Date       string               `json:"date"`
	Dialect    string               `json:"dialect"`
	DBVersion  string               `json:"dbVersion"`
	GoVersion  string               `json:"goVersion"`
	CPUs       int                  `json:"cpus"`
	Spec       dataset.Spec         `json:"spec"`
	Batch      int                  `json:"batch"`
	JobsMode   string               `json:"jobsMode"`
	Migrations []string             `json:"migrations"`
	Seed       *dataset.LoadResult  `json:"seed,omitempty"`
	Queries    []caseResult         `json:"queries,omitempty"`
	Plans      []plan               `json:"plans,omitempty"`
	Serve      *rssResult           `json:"serve,omitempty"`
	Notes      []string             `json:"notes,omitempty"`
	Phases     map[string]time.Time `json:"-"`
}

// state is what a seeded data directory remembers, so -reuse can query it.
type state struct {
	WorkspaceID string       `json:"workspaceId"`
	Spec        dataset.Spec `json:"spec"`
}

func main() {
	var o options
	flag.StringVar(&o.db, "db", "sqlite", "dialect: sqlite or postgres")
	flag.IntVar(&o.people, "people", 100_000, "people to seed (companies = people/10, opportunities = 3*people/10)")
	flag.Uint64Var(&o.seed, "seed", 1, "random seed of the dataset")
	flag.IntVar(&o.batch, "batch", 1000, "records per Create call (like one createPeople call)")
	flag.StringVar(&o.jobs, "jobs", "both", "job queue during the seed: none, queue (River insert-only) or both (taking turns every 10 batches)")
	flag.StringVar(&o.dataDir, "data", "", "data directory (default $TMPDIR/rosterbench-<db>); its roster.db is deleted first")
	flag.StringVar(&o.pgAdmin, "pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL admin URL used to drop and create the benchmark database")
	flag.StringVar(&o.pgDB, "pg-db", "roster_bench", "benchmark database name (dropped and recreated)")
	flag.BoolVar(&o.reuse, "reuse", false, "keep the seeded data of a previous run (pending migrations are applied) and skip the seed")
	flag.StringVar(&o.phases, "phases", "seed,query,serve", "phases to run")
	flag.StringVar(&o.apis, "api", "service,graphql", "front doors for the query phase: service (records.List in-process) and/or graphql (real handler over HTTP)")
	flag.IntVar(&o.requests, "requests", 2000, "sequential requests per lookup case")
	flag.IntVar(&o.searchRequests, "search-requests", 200, "sequential requests per search case")
	flag.IntVar(&o.totalRequests, "total-requests", 200, "sequential requests per case when totalCount is selected (a COUNT over the filter)")
	flag.DurationVar(&o.budget, "case-budget", 60*time.Second, "stop a query case early after this long (once it has 20 samples)")
	flag.StringVar(&o.roster, "roster", "", "roster binary for the serve phase (default: go build ./cmd/roster)")
	flag.DurationVar(&o.settle, "settle", 15*time.Second, "wait after roster serve is ready before reading idle RSS")
	flag.DurationVar(&o.duration, "load", 30*time.Second, "duration of the concurrent load in the serve phase")
	flag.IntVar(&o.concurrency, "concurrency", 8, "concurrent clients in the serve phase")
	flag.StringVar(&o.out, "out", "", "write results as JSON to this file")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the driver (seed and in-process queries) to this file")
	render := flag.Bool("markdown", false, "print the results JSON files named as arguments as Markdown tables and exit")
	flag.Parse()
	if *render {
		if err := renderMarkdown(os.Stdout, flag.Args()); err != nil {
			fmt.Fprintln(os.Stderr, "rosterbench:", err)
			os.Exit(1)
		}
		return
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "rosterbench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "rosterbench:", err)
		stop()
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	if o.db != "sqlite" && o.db != "postgres" {
		return fmt.Errorf("-db must be sqlite or postgres")
	}
	if o.dataDir == "" {
		o.dataDir = filepath.Join(os.TempDir(), "rosterbench-"+o.db)
	}
	t := target{Dialect: o.db, DataDir: o.dataDir, AdminURL: o.pgAdmin, DBName: o.pgDB}
	phases := strings.Split(o.phases, ",")
	res := &results{Date: time.Now().UTC().Format(time.RFC3339), Dialect: o.db, GoVersion: runtime.Version(), CPUs: runtime.NumCPU(), Batch: o.batch, JobsMode: o.jobs}
	statePath := filepath.Join(o.dataDir, "bench-state.json")

	var st state
	if o.reuse {
		b, err := os.ReadFile(statePath)
		if err != nil {
			return fmt.Errorf("-reuse: %w", err)
		}
		if err := json.Unmarshal(b, &st); err != nil {
			return fmt.Errorf("-reuse: %w", err)
		}
	} else if err := t.reset(ctx); err != nil {
		return err
	}
	t0 := time.Now()
	s, err := t.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if o.reuse {
		res.Notes = append(res.Notes, fmt.Sprintf("reused seeded data; opening and migrating took %s", time.Since(t0).Round(time.Millisecond)))
	}
	res.DBVersion, res.Migrations = dbInfo(ctx, s)
	res.Notes = append(res.Notes, "load average at start: "+loadAvg())

	if !o.reuse {
		st.Spec = dataset.Scaled(o.people, o.seed)
		if st.WorkspaceID, err = createWorkspace(ctx, s); err != nil {
			return err
		}
		if slices.Contains(phases, "seed") {
			fmt.Fprintf(os.Stderr, "seeding %d people, %d companies, %d opportunities on %s (jobs: %s)\n", st.Spec.People, st.Spec.Companies, st.Spec.Opportunities, o.db, o.jobs)
			if res.Seed, err = seed(ctx, s, st.WorkspaceID, st.Spec, o.jobs, o.batch); err != nil {
				return err
			}
		}
		b, _ := json.Marshal(st)
		if err := os.WriteFile(statePath, b, 0o600); err != nil {
			return err
		}
	}
	res.Spec = st.Spec
	if s.Dialect == store.Postgres {
		// What autovacuum does shortly after a bulk load; without it the
		// first minutes after the seed would be measured with no statistics.
		if _, err := s.Write.ExecContext(ctx, "ANALYZE"); err != nil {
			return err
		}
		res.Notes = append(res.Notes, "ANALYZE ran after the seed (as autovacuum would)")
	}

	if slices.Contains(phases, "query") {
		if err := queryPhase(ctx, o, s, st, res); err != nil {
			return err
		}
		if res.Plans, err = explain(ctx, s, st.WorkspaceID, st.Spec); err != nil {
			return err
		}
	}
	if slices.Contains(phases, "serve") {
		// The server must be the only process holding the SQLite file open
		// for writing; close ours first.
		s.Close()
		fmt.Fprintf(os.Stderr, "measuring roster serve memory (settle %s, load %s x %d clients)\n", o.settle, o.duration, o.concurrency)
		cases := queryCases(st.Spec)
		res.Serve, err = measureServe(ctx, serveParams{Binary: o.roster, Target: t, WorkspaceID: st.WorkspaceID, Settle: o.settle, Duration: o.duration, Concurrency: o.concurrency, Cases: cases})
		if err != nil {
			return err
		}
	}
	res.Notes = append(res.Notes, "load average at end: "+loadAvg())
	printTable(os.Stdout, res)
	if o.out != "" {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.out, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func queryPhase(ctx context.Context, o options, s *store.Store, st state, res *results) error {
	svc := records.New(records.Config{Store: s})
	for _, api := range strings.Split(o.apis, ",") {
		var l lister
		switch api {
		case "service":
			l = serviceLister{svc: svc, ws: st.WorkspaceID}
		case "graphql":
			gl, closeFn, err := inProcessGraphQL(svc, st.WorkspaceID)
			if err != nil {
				res.Notes = append(res.Notes, "graphql front door not measured: "+err.Error())
				continue
			}
			defer closeFn()
			l = gl
		default:
			return fmt.Errorf("unknown -api %q", api)
		}
		r := newRand(42)
		for _, c := range queryCases(st.Spec) {
			for _, withTotal := range []bool{false, true} {
				n := o.requests
				if c.Group == "search" {
					n = o.searchRequests
				}
				if withTotal {
					n = min(n, o.totalRequests)
				}
				fmt.Fprintf(os.Stderr, "  %s: %s (totalCount %v) x %d\n", api, c.Name, withTotal, n)
				cr, err := measure(ctx, l, api, c, withTotal, n, o.budget, r)
				if err != nil {
					return err
				}
				res.Queries = append(res.Queries, cr)
			}
		}
	}
	return nil
}

// loadAvg is the 1, 5 and 15 minute load averages: the machine is shared,
// and the figures should say how busy it was.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 1)) }

// dbInfo returns the database version and the applied Roster migrations, so
// the results say whether the search indexes were there.
func dbInfo(ctx context.Context, s *store.Store) (string, []string) {
	var v string
	q := "SELECT 'SQLite ' || sqlite_version()"
	if s.Dialect == store.Postgres {
		q = "SELECT version()"
	}
	if err := s.Read.QueryRowContext(ctx, q).Scan(&v); err != nil {
		v = "unknown: " + err.Error()
	}
	st, err := s.MigrationStatuses(ctx)
	if err != nil {
		return v, []string{"unknown: " + err.Error()}
	}
	var names []string
	for _, m := range st {
		if m.Applied {
			names = append(names, m.Name)
		}
	}
	return v, names
}
