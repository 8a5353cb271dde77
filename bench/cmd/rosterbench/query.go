package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// lister runs one people(first: 50) query and returns how many rows came back.
type lister interface {
	people(ctx context.Context, filter map[string]any, orderBy []map[string]any, withTotal bool) (int, error)
}

// serviceLister calls the records service directly: no HTTP, no GraphQL, no
// JSON. It is the floor the API front doors add their cost to.
type serviceLister struct {
	svc *records.Service
	ws  string
}

func (l serviceLister) people(ctx context.Context, filter map[string]any, orderBy []map[string]any, withTotal bool) (int, error) {
	schema, err := l.svc.Schema(ctx, l.ws, crm.PersonObject)
	if err != nil {
		return 0, err
	}
	p := crm.ListParams{First: 50, WithTotal: withTotal}
	if filter != nil {
		if p.Filter, err = schema.ParseFilter(filter); err != nil {
			return 0, err
		}
	}
	if p.OrderBy, err = schema.ParseOrderBy(orderBy); err != nil {
		return 0, err
	}
	page, err := l.svc.List(ctx, l.ws, schema, p)
	if err != nil {
		return 0, err
	}
	return len(page.Records), nil
}

// graphqlLister posts the query to a GraphQL endpoint over real HTTP and
// decodes the whole JSON response, as a client would.
type graphqlLister struct {
	url    string
	apiKey string // empty when the handler injects the principal itself
	client *http.Client
}

const peopleQuery = `query People($filter: PersonFilterInput, $orderBy: [PersonOrderByInput!], $first: Int) {
  people(filter: $filter, orderBy: $orderBy, first: $first) {
    edges { cursor node { id createdAt updatedAt name { firstName lastName } emails { primaryEmail }
      phones { primaryPhoneNumber } jobTitle city companyId whopUserId whopUsername } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }%s
  }
}`

type gqlResponse struct {
	Data struct {
		People struct {
			Edges []struct {
				Cursor string          `json:"cursor"`
				Node   json.RawMessage `json:"node"`
			} `json:"edges"`
			TotalCount *int `json:"totalCount"`
		} `json:"people"`
	} `json:"data"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

func (l graphqlLister) people(ctx context.Context, filter map[string]any, orderBy []map[string]any, withTotal bool) (int, error) {
	total := ""
	if withTotal {
		total = "\n    totalCount"
	}
	vars := map[string]any{"first": 50}
	if filter != nil {
		vars["filter"] = filter
	}
	if orderBy != nil {
		vars["orderBy"] = orderBy
	}
	body, err := json.Marshal(map[string]any{"query": fmt.Sprintf(peopleQuery, total), "variables": vars})
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if l.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+l.apiKey)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("POST %s: %s: %.200s", l.url, resp.Status, raw)
	}
	var out gqlResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		return 0, fmt.Errorf("decode response: %w", err)
	}
	if len(out.Errors) > 0 {
		return 0, fmt.Errorf("graphql: %s", out.Errors[0].Message)
	}
	if withTotal && out.Data.People.TotalCount == nil {
		return 0, fmt.Errorf("graphql: no totalCount")
	}
	return len(out.Data.People.Edges), nil
}

// caseResult is the latency of one query case.
type caseResult struct {
	API       string  `json:"api"`
	Case      string  `json:"case"`
	Group     string  `json:"group"`
	WithTotal bool    `json:"withTotalCount"`
	Latency   latency `json:"latency"`
	// Rows is the mean number of rows per response.
	Rows float64 `json:"rows"`
}

// measure runs n sequential requests of one case after a short warm-up and
// records each request's wall time (client side, response fully decoded).
// A slow case stops early once budget has passed and it has at least 20
// samples, so one full-scan query cannot eat the run; N in the results says
// how many ran.
func measure(ctx context.Context, l lister, api string, c queryCase, withTotal bool, n int, budget time.Duration, r *rand.Rand) (caseResult, error) {
	warm := min(20, max(2, n/20))
	for range warm {
		if _, err := l.people(ctx, c.Filter(r), c.OrderBy, withTotal); err != nil {
			return caseResult{}, fmt.Errorf("%s: %w", c.Name, err)
		}
	}
	ds := make([]time.Duration, 0, n)
	rows := 0
	start := time.Now()
	for i := range n {
		if i >= 20 && time.Since(start) > budget {
			break
		}
		f := c.Filter(r)
		t0 := time.Now()
		got, err := l.people(ctx, f, c.OrderBy, withTotal)
		if err != nil {
			return caseResult{}, fmt.Errorf("%s: %w", c.Name, err)
		}
		ds = append(ds, time.Since(t0))
		rows += got
	}
	return caseResult{API: api, Case: c.Name, Group: c.Group, WithTotal: withTotal, Latency: summarise(ds), Rows: float64(rows) / float64(len(ds))}, nil
}
