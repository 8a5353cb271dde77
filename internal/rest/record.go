package rest

import "github.com/roster-crm/roster/internal/crm"

// recordsJSON renders a list of records.
func recordsJSON(s *crm.Schema, recs []crm.Record) []map[string]any {
	out := make([]map[string]any, len(recs))
	for i, r := range recs {
		out[i] = crm.RecordJSON(s, r)
	}
	return out
}
