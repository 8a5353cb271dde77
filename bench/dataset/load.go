package dataset

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// Writer is one way of creating records, e.g. a records.Service with the
// job queue and one without.
type Writer struct {
	Name    string
	Records *records.Service
}

// LoadParams say what to load and through which services.
type LoadParams struct {
	Spec        Spec
	WorkspaceID string
	// Batch is the number of records per Create call, like one GraphQL
	// createPeople call (0: 1000).
	Batch int
	// Writers take turns in blocks of Block batches, so each sees the same
	// table sizes and their throughputs compare fairly (Block 0: 10).
	Writers []Writer
	Block   int
	// Progress, when set, is called after every block.
	Progress func(object string, done, total int)
}

// Timing is the time spent in Create calls for one object and writer.
type Timing struct {
	Object  string        `json:"object"`
	Writer  string        `json:"writer"`
	Rows    int           `json:"rows"`
	Calls   int           `json:"calls"`
	Elapsed time.Duration `json:"elapsedNs"`
}

// PerSecond is the throughput of the timed calls.
func (t Timing) PerSecond() float64 {
	if t.Elapsed <= 0 {
		return 0
	}
	return float64(t.Rows) / t.Elapsed.Seconds()
}

// LoadResult reports a Load.
type LoadResult struct {
	Timings []Timing `json:"timings"`
	// Elapsed is the wall time of the whole load, input generation included.
	Elapsed time.Duration `json:"elapsedNs"`
}

var api = crm.Actor{Source: crm.SourceAPI, Name: "rosterbench"}

// companyOf is the index of person i's company, or -1 (about one person in
// five has none).
func (s Spec) companyOf(i int) int {
	r := s.rng(5, i)
	if s.Companies == 0 || r.IntN(5) == 0 {
		return -1
	}
	return r.IntN(s.Companies)
}

// Load creates the companies, then the people (linked to companies), then
// the opportunities (linked to people and their companies) through the
// records service, batch by batch, the way an importer calling createPeople
// would. Inputs are generated in a separate goroutine, so the timings are
// those of the service and the database.
func Load(ctx context.Context, p LoadParams) (*LoadResult, error) {
	if len(p.Writers) == 0 {
		return nil, fmt.Errorf("dataset: no writer")
	}
	if p.Batch <= 0 {
		p.Batch = 1000
	}
	if p.Block <= 0 {
		p.Block = 10
	}
	s := p.Spec
	start := time.Now()
	res := &LoadResult{}
	companyIDs, err := load(ctx, p, res, crm.CompanyObject, s.Companies, func(i int) crm.Input { return s.Company(i) })
	if err != nil {
		return nil, err
	}
	personIDs, err := load(ctx, p, res, crm.PersonObject, s.People, func(i int) crm.Input {
		c := ""
		if k := s.companyOf(i); k >= 0 {
			c = companyIDs[k]
		}
		return s.Person(i, c)
	})
	if err != nil {
		return nil, err
	}
	_, err = load(ctx, p, res, crm.OpportunityObject, s.Opportunities, func(i int) crm.Input {
		r := s.rng(6, i)
		who := r.IntN(len(personIDs))
		c := ""
		if k := s.companyOf(who); k >= 0 {
			c = companyIDs[k]
		}
		return s.Opportunity(i, personIDs[who], c)
	})
	if err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// load creates n records of one object and returns their IDs in index order.
func load(ctx context.Context, p LoadParams, res *LoadResult, o *crm.Object, n int, gen func(i int) crm.Input) ([]string, error) {
	if n == 0 {
		return nil, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []crm.Input, 4)
	go func() {
		defer close(batches)
		for lo := 0; lo < n; lo += p.Batch {
			b := make([]crm.Input, 0, min(p.Batch, n-lo))
			for i := lo; i < lo+cap(b); i++ {
				b = append(b, gen(i))
			}
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	timings := make([]Timing, len(p.Writers))
	for i, w := range p.Writers {
		timings[i] = Timing{Object: string(o.Name), Writer: w.Name}
	}
	ids := make([]string, 0, n)
	call := 0
	for b := range batches {
		w := (call / p.Block) % len(p.Writers)
		t0 := time.Now()
		recs, err := p.Writers[w].Records.Create(ctx, records.CreateParams{WorkspaceID: p.WorkspaceID, Object: o, Actor: api, Inputs: b})
		if err != nil {
			return nil, fmt.Errorf("dataset: create %s %d..%d: %w", o.Plural, len(ids), len(ids)+len(b), err)
		}
		timings[w].Elapsed += time.Since(t0)
		timings[w].Rows += len(b)
		timings[w].Calls++
		for _, r := range recs {
			ids = append(ids, r.Meta().ID)
		}
		call++
		if p.Progress != nil && call%p.Block == 0 {
			p.Progress(o.Plural, len(ids), n)
		}
	}
	res.Timings = append(res.Timings, timings...)
	return ids, nil
}

// RandomPerson returns the index of a random person that has a whopUserId
// when withWhop is set.
func (s Spec) RandomPerson(r *rand.Rand, withWhop bool) int {
	for {
		i := r.IntN(s.People)
		if !withWhop || s.Keys(i).WhopUserID != "" {
			return i
		}
	}
}
