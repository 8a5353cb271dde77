package rest

import (
	"strings"

	"github.com/roster-crm/roster/internal/audit"
)

// auditLogPath describes GET /auditLogs for the OpenAPI document.
func auditLogPath() obj {
	q := func(name, desc string, schema obj) obj {
		return obj{"name": name, "in": "query", "required": false, "description": desc, "schema": schema}
	}
	actions := make([]string, 0, len(audit.Actions()))
	for _, a := range audit.Actions() {
		actions = append(actions, string(a))
	}
	params := []any{
		q("action[eq]", "One action.", obj{"type": "string", "enum": actions}),
		q("action[in]", "Any of these actions, comma-separated: "+strings.Join(actions, ", ")+".", obj{"type": "string"}),
		q("actorId[eq]", "The member or API key that acted (actor.id).", obj{"type": "string"}),
		q("createdAt[gte]", "Recorded at or after (RFC 3339).", obj{"type": "string", "format": "date-time"}),
		q("createdAt[lte]", "Recorded at or before (RFC 3339).", obj{"type": "string", "format": "date-time"}),
	}
	params = append(params, paramRefs("limit", "starting_after")...)
	ok := dataResponse("A page of the audit log, newest first, with pageInfo and totalCount", "auditLogs", obj{"type": "array", "items": ref("schemas", "AuditLog")})
	return obj{"get": obj{
		"summary": "The workspace's audit log", "operationId": "auditLogs", "tags": []string{"auditLogs"},
		"description": "Member, API key, invite, password and settings changes, sign-ins from new places, exports, backups and the Whop integration's events; kept 400 days. Admins only (403 for other members). Unknown query keys are refused.",
		"parameters":  params,
		"responses":   withErrors(obj{"200": ok, "403": obj{"description": "The caller is not a workspace admin", "content": jsonContent(ref("schemas", "Error"))}}, "400", "401"),
	}}
}

// auditLogSchema is one entry as GET /auditLogs returns it.
func auditLogSchema() obj {
	str := obj{"type": "string"}
	nullStr := obj{"type": "string", "nullable": true}
	return obj{"type": "object", "required": []string{"id", "createdAt", "action", "label", "actor", "details"}, "properties": obj{
		"id": str, "createdAt": obj{"type": "string", "format": "date-time"}, "action": str, "label": str,
		"actor": obj{"type": "object", "properties": obj{
			"kind": obj{"type": "string", "enum": []string{"MEMBER", "API_KEY", "SYSTEM"}}, "id": nullStr, "name": str}},
		"target":  obj{"type": "object", "nullable": true, "properties": obj{"type": str, "id": nullStr, "label": str}},
		"details": obj{"type": "object", "description": "Facts that explain the entry; never a secret."},
		"ip":      nullStr, "userAgent": nullStr,
	}}
}
