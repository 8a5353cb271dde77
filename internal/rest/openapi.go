package rest

import (
	"net/http"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
)

// openAPI serves GET /rest/openapi.json. Anyone may read it; an
// authenticated caller also sees their workspace's custom fields.
func (h *handler) openAPI(w http.ResponseWriter, r *http.Request) error {
	var defs []*crm.FieldDefinition
	if p := auth.PrincipalFrom(r.Context()); p != nil {
		var err error
		if defs, err = h.records.Fields(r.Context(), p.WorkspaceID, ""); err != nil {
			return err
		}
	}
	w.Header().Set("Cache-Control", "private, no-cache")
	httpserver.WriteJSON(w, http.StatusOK, OpenAPI(h.baseURL, defs))
	return nil
}

// obj is a JSON object under construction.
type obj = map[string]any

// OpenAPI builds the OpenAPI 3.0.3 document of the REST API from the crm
// object metadata and the given custom field definitions (of any objects;
// pass nil for the standard fields only). baseURL is the public origin.
func OpenAPI(baseURL string, defs []*crm.FieldDefinition) map[string]any {
	paths := obj{
		"/openapi.json": obj{"get": obj{
			"summary": "This document", "operationId": "openapi", "tags": []string{"meta"},
			"description": "Public; with credentials it also describes the workspace's custom fields.",
			"security":    []any{},
			"responses":   obj{"200": obj{"description": "The OpenAPI document", "content": jsonContent(obj{"type": "object"})}},
		}},
	}
	paths["/auditLogs"] = auditLogPath()
	for path, item := range analyticsPaths() {
		paths[path] = item
	}
	schemas := obj{"PageInfo": pageInfoSchema(), "Error": errorSchema(), "AuditLog": auditLogSchema()}
	for name, schema := range webhookSchemas() {
		schemas[name] = schema
	}
	for path, item := range webhookPaths() {
		paths[path] = item
	}
	for name, schema := range contractSchemas() {
		schemas[name] = schema
	}
	for path, item := range contractPaths() {
		paths[path] = item
	}
	for name, schema := range workflowSchemas() {
		schemas[name] = schema
	}
	for path, item := range workflowPaths() {
		paths[path] = item
	}
	for _, o := range crm.Objects() {
		s := crm.NewSchema(o, defs)
		schemas[o.Label] = recordSchema(s)
		schemas[o.Label+"Input"] = inputSchema(s)
		for path, item := range objectPaths(o) {
			paths[path] = item
		}
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":       "Roster REST API",
			"version":     "1.0.0",
			"description": apiDescription,
		},
		"servers":  []any{obj{"url": baseURL + "/rest"}},
		"security": []any{obj{"bearerAuth": []string{}}},
		"tags":     tags(),
		"paths":    paths,
		"components": obj{
			"securitySchemes": obj{"bearerAuth": obj{"type": "http", "scheme": "bearer", "description": "A workspace API key"}},
			"schemas":         schemas,
			"parameters":      parameters(),
			"responses":       errorResponses(),
		},
	}
}

const apiDescription = "Twenty-shaped REST API over Roster's CRM records. " +
	"Lists take filter, order_by, limit, starting_after and ending_before; " +
	"errors are {error: {code, message, field}, statusCode, messages}."

func tags() []any {
	out := []any{}
	for _, o := range crm.Objects() {
		out = append(out, obj{"name": o.Plural})
	}
	return append(out, obj{"name": "auditLogs"}, obj{"name": "analytics"}, obj{"name": "webhooks"}, obj{"name": "workflows"}, obj{"name": "meta"})
}

func ref(kind, name string) obj { return obj{"$ref": "#/components/" + kind + "/" + name} }

func jsonContent(schema obj) obj { return obj{"application/json": obj{"schema": schema}} }

// listPage describes a list answer: {"data": {key: [item]}, "pageInfo",
// "totalCount"}.
func listPage(key string, item obj) obj {
	return obj{"description": "A page, newest or oldest first", "content": jsonContent(obj{
		"type": "object", "required": []string{"data", "pageInfo", "totalCount"},
		"properties": obj{
			"data":       obj{"type": "object", "properties": obj{key: obj{"type": "array", "items": item}}},
			"pageInfo":   ref("schemas", "PageInfo"),
			"totalCount": obj{"type": "integer"},
		},
	})}
}

// dataResponse describes {"data": {key: schema}}.
func dataResponse(desc, key string, schema obj) obj {
	return obj{"description": desc, "content": jsonContent(obj{
		"type": "object", "required": []string{"data"},
		"properties": obj{"data": obj{"type": "object", "required": []string{key}, "properties": obj{key: schema}}},
	})}
}

func withErrors(ok obj, codes ...string) obj {
	for _, c := range codes {
		ok[c] = ref("responses", errorResponseNames[c])
	}
	return ok
}

func paramRefs(names ...string) []any {
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = ref("parameters", n)
	}
	return out
}

// objectPaths describes every endpoint of one object.
func objectPaths(o *crm.Object) obj {
	rec := ref("schemas", o.Label)
	input := ref("schemas", o.Label+"Input")
	tag := []string{o.Plural}
	body := func(schema obj) obj {
		return obj{"required": true, "content": jsonContent(schema)}
	}
	idOnly := obj{"type": "object", "required": []string{"id"}, "properties": obj{"id": obj{"type": "string", "format": "uuid"}}}
	return obj{
		"/" + o.Plural: obj{
			"get": obj{
				"summary": "List " + o.Plural, "operationId": "find" + upperFirst(o.Plural), "tags": tag,
				"parameters": paramRefs("filter", "order_by", "limit", "starting_after", "ending_before", "depth"),
				"responses": withErrors(obj{"200": obj{"description": "A page of " + o.Plural, "content": jsonContent(obj{
					"type": "object", "required": []string{"data", "pageInfo", "totalCount"},
					"properties": obj{
						"data":       obj{"type": "object", "properties": obj{o.Plural: obj{"type": "array", "items": rec}}},
						"pageInfo":   ref("schemas", "PageInfo"),
						"totalCount": obj{"type": "integer", "description": "Records matching the filter, over all pages"},
					},
				})}}, "400", "401"),
			},
			"post": obj{
				"summary": "Create one " + string(o.Name), "operationId": opKey("create", o), "tags": tag,
				"parameters":  paramRefs("upsert"),
				"requestBody": body(input),
				"responses":   withErrors(obj{"201": dataResponse("The created (or upserted) "+string(o.Name), opKey("create", o), rec)}, "400", "401", "409", "413"),
			},
		},
		"/batch/" + o.Plural: obj{
			"post": obj{
				"summary":     "Create several " + o.Plural + " atomically",
				"description": "Either every record is created (or upserted) or none is.",
				"operationId": opManyKey("create", o), "tags": tag,
				"parameters":  paramRefs("upsert"),
				"requestBody": body(obj{"type": "array", "minItems": 1, "maxItems": maxBatch, "items": input}),
				"responses":   withErrors(obj{"201": dataResponse("The created records, in input order", opManyKey("create", o), obj{"type": "array", "items": rec})}, "400", "401", "409", "413"),
			},
		},
		"/" + o.Plural + "/{id}": obj{
			"parameters": paramRefs("id"),
			"get": obj{
				"summary": "Get one " + string(o.Name), "operationId": "find" + o.Label, "tags": tag,
				"parameters": paramRefs("depth"),
				"responses":  withErrors(obj{"200": dataResponse("The "+string(o.Name), singular(o), rec)}, "401", "404"),
			},
			"patch": obj{
				"summary": "Update one " + string(o.Name), "description": "Only the fields present change.",
				"operationId": opKey("update", o), "tags": tag,
				"requestBody": body(input),
				"responses":   withErrors(obj{"200": dataResponse("The updated "+string(o.Name), opKey("update", o), rec)}, "400", "401", "404", "409", "413"),
			},
			"delete": obj{
				"summary":     "Delete one " + string(o.Name),
				"description": "Soft delete (restorable) by default; soft_delete=false destroys the record permanently and answers with " + opKey("destroy", o) + ".",
				"operationId": opKey("delete", o), "tags": tag,
				"parameters": paramRefs("soft_delete"),
				"responses": withErrors(obj{"200": obj{"description": "The deleted record's id", "content": jsonContent(obj{
					"type": "object", "required": []string{"data"},
					"properties": obj{"data": obj{"type": "object", "properties": obj{opKey("delete", o): idOnly, opKey("destroy", o): idOnly}}},
				})}}, "400", "401", "404"),
			},
		},
		"/restore/" + o.Plural + "/{id}": obj{
			"parameters": paramRefs("id"),
			"post": obj{
				"summary": "Restore a soft-deleted " + string(o.Name), "operationId": opKey("restore", o), "tags": tag,
				"responses": withErrors(obj{"200": dataResponse("The restored "+string(o.Name), opKey("restore", o), rec)}, "400", "401", "404"),
			},
		},
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func parameters() obj {
	q := func(name, desc string, schema obj) obj {
		return obj{"name": name, "in": "query", "required": false, "description": desc, "schema": schema}
	}
	return obj{
		"id": obj{"name": "id", "in": "path", "required": true, "schema": obj{"type": "string", "format": "uuid"}},
		"filter": q("filter", "Twenty filter syntax: field[comparator]:value, composite sub-fields dotted "+
			"(emails.primaryEmail[eq]:a@b.c), custom fields by name. Comparators: "+opList()+". "+
			"Comma-separated conditions are AND-ed; and(...), or(...), not(...) group and nest. "+
			"in and containsAny take [a,b]; is takes NULL or NOT_NULL; double-quote values holding commas or parentheses. "+
			"Soft-deleted records are listed only when the filter mentions deletedAt. "+
			"People also filter by their Whop memberships: whopMembership.status[in]:[active,trialing],whopMembership.productId[eq]:prod_1 "+
			"selects the people with one live membership matching both (sub-keys: "+crm.WhopMembership.SubNames()+").",
			obj{"type": "string", "example": `or(name.lastName[ilike]:"%smith%",emails.primaryEmail[eq]:ada@example.com)`}),
		"order_by": q("order_by", "Comma-separated field[Direction] keys, applied in order; the direction defaults to AscNullsFirst.",
			obj{"type": "string", "example": "name.firstName[AscNullsFirst],createdAt[DescNullsLast]"}),
		"limit":          q("limit", "Page size.", obj{"type": "integer", "minimum": 1, "maximum": crm.MaxPageSize, "default": crm.DefaultPageSize}),
		"starting_after": q("starting_after", "Cursor (pageInfo.endCursor) to page forwards from.", obj{"type": "string"}),
		"ending_before":  q("ending_before", "Cursor (pageInfo.startCursor) to page backwards from.", obj{"type": "string"}),
		"depth":          q("depth", "Accepted for Twenty compatibility and ignored: relations are returned as IDs.", obj{"type": "integer", "minimum": 0, "maximum": 2}),
		"upsert": q("upsert", "Update the record the input matches (by id, Whop ID, primary email or company domain) instead of failing on a duplicate.",
			obj{"type": "boolean", "default": false}),
		"soft_delete": q("soft_delete", "false deletes permanently.", obj{"type": "boolean", "default": true}),
	}
}

func opList() string {
	s := ""
	for i, o := range crm.Ops {
		if i > 0 {
			s += ", "
		}
		s += string(o)
	}
	return s
}

var errorResponseNames = map[string]string{
	"400": "BadRequest", "401": "Unauthorized", "403": "Forbidden", "404": "NotFound", "409": "Conflict", "413": "PayloadTooLarge",
}

func errorResponses() obj {
	desc := map[string]string{
		"BadRequest":      "Invalid input: unknown field, wrong type, invalid enum value, malformed filter or cursor",
		"Unauthorized":    "Missing or invalid credentials",
		"Forbidden":       "The caller is not a workspace admin",
		"NotFound":        "Unknown object or record",
		"Conflict":        "A unique value (primary email, company domain, Whop ID) is already taken",
		"PayloadTooLarge": "The request body is over 1 MiB",
	}
	out := obj{}
	for name, d := range desc {
		out[name] = obj{"description": d, "content": jsonContent(ref("schemas", "Error"))}
	}
	return out
}
