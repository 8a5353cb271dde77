package rest

// analyticsPaths describe GET /revenueMetrics and GET /mrrMovements for the
// OpenAPI document (docs/analytics.md defines every figure).
func analyticsPaths() map[string]obj {
	q := func(name, desc string, required bool, schema obj) obj {
		return obj{"name": name, "in": "query", "required": required, "description": desc, "schema": schema}
	}
	date := obj{"type": "string", "format": "date"}
	boolean := obj{"type": "boolean"}
	common := []any{
		q("from", "First day of the range (YYYY-MM-DD, UTC), included.", true, date),
		q("to", "Last day of the range, included; the top-level figures are as of its end.", true, date),
		q("currency", "ISO 4217 code; default: the currency with the most MRR.", false, obj{"type": "string"}),
		q("productId", "Keep one Whop product's memberships and payments.", false, obj{"type": "string"}),
		q("pastDueActive", "past_due counts as active and in MRR until it ends (default true).", false, boolean),
		q("cancelingUntilPeriodEnd", "canceling counts as active and in MRR until the period ends (default true).", false, boolean),
		q("trialsInMrr", "A trial's price counts in MRR (default false).", false, boolean),
		q("refundsOnRefundDate", "A refund subtracts from revenue on its own date (default true).", false, boolean),
	}
	with := func(extra obj) []any { return append(append([]any{}, common...), extra) }
	integer := obj{"type": "integer", "format": "int64"}
	point := obj{"type": "object", "properties": obj{
		"periodStart": date, "periodEnd": date, "mrrMicros": integer, "newMrrMicros": integer, "expansionMrrMicros": integer,
		"contractionMrrMicros": integer, "churnedMrrMicros": integer, "reactivationMrrMicros": integer, "netNewMrrMicros": integer,
		"activeMembers": integer, "newMembers": integer, "reactivatedMembers": integer, "churnedMembers": integer,
		"revenueMicros": integer, "refundedMicros": integer,
	}}
	metrics := obj{"type": "object", "properties": obj{
		"currency": obj{"type": "string"}, "currencies": obj{"type": "array", "items": obj{"type": "string"}},
		"mrrMicros": integer, "arrMicros": integer, "activeMembers": integer, "payingMembers": integer, "arpuMicros": integer,
		"logoChurnRate": obj{"type": "number"}, "nrr": obj{"type": "number"}, "grr": obj{"type": "number"},
		"revenueChurnRate": obj{"type": "number"}, "netRevenueChurnRate": obj{"type": "number"}, "revenueMicros": integer, "refundedMicros": integer,
		"semantics": obj{"type": "object", "additionalProperties": boolean},
		"points":    obj{"type": "array", "items": point},
	}}
	kinds := []string{"NEW", "EXPANSION", "CONTRACTION", "CHURN", "REACTIVATION"}
	movement := obj{"type": "object", "properties": obj{
		"kind": obj{"type": "string", "enum": kinds}, "personId": obj{"type": "string", "nullable": true},
		"membershipId": obj{"type": "string"}, "opportunityId": obj{"type": "string"},
		"happenedAt": obj{"type": "string", "format": "date-time"}, "beforeMicros": integer, "afterMicros": integer,
	}}
	return map[string]obj{
		"/revenueMetrics": {"get": obj{
			"summary": "MRR, ARR, movements, members and revenue", "operationId": "revenueMetrics", "tags": []string{"analytics"},
			"description": "The revenue figures of [from, to] in one currency, with one point per day, week or month. Amounts are integer micros. Unknown query keys are refused.",
			"parameters":  with(q("interval", "DAY, WEEK (Monday to Sunday) or MONTH (default).", false, obj{"type": "string", "enum": []string{"DAY", "WEEK", "MONTH"}})),
			"responses":   withErrors(obj{"200": dataResponse("The figures", "revenueMetrics", metrics)}, "400", "401"),
		}},
		"/mrrMovements": {"get": obj{
			"summary": "The people and memberships behind each MRR movement", "operationId": "mrrMovements", "tags": []string{"analytics"},
			"description": "The MRR movements of [from, to] in one currency, oldest first; after - before summed per kind is revenueMetrics' figure.",
			"parameters":  with(q("kind", "Keep one kind.", false, obj{"type": "string", "enum": kinds})),
			"responses":   withErrors(obj{"200": dataResponse("The movements", "mrrMovements", obj{"type": "array", "items": movement})}, "400", "401"),
		}},
	}
}
