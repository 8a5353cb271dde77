package main

import (
	"math/rand/v2"

	"github.com/roster-crm/roster/bench/dataset"
)

// queryCase is one people(first: 50) query shape. Filter returns the filter
// for one request, drawing a random existing key when the case has one.
type queryCase struct {
	Name    string
	Group   string // "lookup" (goal p50 5 ms, p99 20 ms) or "search" (goal p50 50 ms)
	Filter  func(r *rand.Rand) map[string]any
	OrderBy []map[string]any
}

func queryCases(spec dataset.Spec) []queryCase {
	ilike := func(path ...string) map[string]any {
		var m map[string]any = map[string]any{"ilike": "%smi%"}
		for i := len(path) - 1; i >= 0; i-- {
			m = map[string]any{path[i]: m}
		}
		return m
	}
	return []queryCase{
		{Name: "whopUserId eq", Group: "lookup", Filter: func(r *rand.Rand) map[string]any {
			return map[string]any{"whopUserId": map[string]any{"eq": spec.Keys(spec.RandomPerson(r, true)).WhopUserID}}
		}},
		{Name: "emails.primaryEmail eq", Group: "lookup", Filter: func(r *rand.Rand) map[string]any {
			return map[string]any{"emails": map[string]any{"primaryEmail": map[string]any{"eq": spec.Keys(spec.RandomPerson(r, false)).Email}}}
		}},
		{Name: "no filter, updatedAt DescNullsLast", Group: "lookup", Filter: func(*rand.Rand) map[string]any { return nil },
			OrderBy: []map[string]any{{"updatedAt": "DescNullsLast"}}},
		{Name: "name.lastName ilike %smi%", Group: "search", Filter: func(*rand.Rand) map[string]any { return ilike("name", "lastName") }},
		{Name: "emails.primaryEmail ilike %smi%", Group: "search", Filter: func(*rand.Rand) map[string]any { return ilike("emails", "primaryEmail") }},
		{Name: "or(firstName, lastName, email) ilike %smi%", Group: "search", Filter: func(*rand.Rand) map[string]any {
			return map[string]any{"or": []any{ilike("name", "firstName"), ilike("name", "lastName"), ilike("emails", "primaryEmail")}}
		}},
	}
}

// goal is the latency target of a group, in milliseconds (0: none).
func goal(group string) (p50, p99 float64) {
	if group == "lookup" {
		return 5, 20
	}
	return 50, 0
}
