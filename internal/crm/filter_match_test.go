package crm_test

import (
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// TestFilterMatch evaluates filters in memory with the store's SQL
// semantics: missing values compare false (neq true), empty text is NULL,
// like is case-sensitive and ilike is not, and/or/not combine.
func TestFilterMatch(t *testing.T) {
	p := &crm.Person{Name: crm.FullName{FirstName: "Ada", LastName: "Lovelace"}, City: "London", JobTitle: ""}
	p.Emails.PrimaryEmail = "ada@example.com"
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p.CreatedAt = created
	p.CustomFields = map[string]any{"score": 42.0, "tier": "GOLD", "tags": []any{"a", "b"}}
	schema := crm.NewSchema(crm.PersonObject, []*crm.FieldDefinition{
		{Object: crm.ObjectPerson, Name: "score", Type: crm.TypeNumber},
		{Object: crm.ObjectPerson, Name: "tier", Type: crm.TypeSelect, Options: []crm.FieldOption{{Value: "GOLD"}, {Value: "SILVER"}}},
		{Object: crm.ObjectPerson, Name: "tags", Type: crm.TypeMultiSelect, Options: []crm.FieldOption{{Value: "a"}, {Value: "b"}, {Value: "c"}}},
		{Object: crm.ObjectPerson, Name: "vip", Type: crm.TypeBoolean},
	})
	cases := []struct {
		name   string
		filter map[string]any
		want   bool
	}{
		{"eq", map[string]any{"city": map[string]any{"eq": "London"}}, true},
		{"eq other", map[string]any{"city": map[string]any{"eq": "Paris"}}, false},
		{"neq", map[string]any{"city": map[string]any{"neq": "Paris"}}, true},
		{"composite", map[string]any{"name": map[string]any{"firstName": map[string]any{"eq": "Ada"}}}, true},
		{"in", map[string]any{"city": map[string]any{"in": []any{"Paris", "London"}}}, true},
		{"empty text is null", map[string]any{"jobTitle": map[string]any{"is": "NULL"}}, true},
		{"not null", map[string]any{"city": map[string]any{"is": "NOT_NULL"}}, true},
		{"like is case-sensitive", map[string]any{"city": map[string]any{"like": "lon%"}}, false},
		{"like", map[string]any{"city": map[string]any{"like": "Lon%"}}, true},
		{"ilike", map[string]any{"city": map[string]any{"ilike": "%DON"}}, true},
		{"startsWith", map[string]any{"emails": map[string]any{"primaryEmail": map[string]any{"startsWith": "ada@"}}}, true},
		{"date gt", map[string]any{"createdAt": map[string]any{"gt": "2026-01-01T00:00:00Z"}}, true},
		{"date lt", map[string]any{"createdAt": map[string]any{"lt": "2026-01-01T00:00:00Z"}}, false},
		{"custom number", map[string]any{"score": map[string]any{"gte": 42}}, true},
		{"custom select", map[string]any{"customFields": map[string]any{"tier": map[string]any{"eq": "SILVER"}}}, false},
		{"custom multi", map[string]any{"tags": map[string]any{"containsAny": []any{"c", "b"}}}, true},
		{"missing custom is false", map[string]any{"vip": map[string]any{"eq": true}}, false},
		{"missing custom neq is true", map[string]any{"vip": map[string]any{"neq": true}}, true},
		{"or", map[string]any{"or": []any{map[string]any{"city": map[string]any{"eq": "Paris"}}, map[string]any{"score": map[string]any{"gt": 40}}}}, true},
		{"and", map[string]any{"and": []any{map[string]any{"city": map[string]any{"eq": "London"}}, map[string]any{"score": map[string]any{"gt": 50}}}}, false},
		{"not", map[string]any{"not": map[string]any{"city": map[string]any{"eq": "London"}}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := schema.ParseFilter(c.filter)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := f.Match(p)
			if !ok || got != c.want {
				t.Errorf("Match(%v) = %v, %v; want %v, true", c.filter, got, ok, c.want)
			}
		})
	}
}
