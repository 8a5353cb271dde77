package rest

import "github.com/roster-crm/roster/internal/contracts"

// contractSchemas are the components of the contract endpoints, with
// GraphQL's field names.
func contractSchemas() obj {
	str, nullStr := obj{"type": "string"}, obj{"type": "string", "nullable": true}
	ts, nullTS := obj{"type": "string", "format": "date-time"}, obj{"type": "string", "format": "date-time", "nullable": true}
	integer := obj{"type": "integer"}
	role := obj{"type": "object", "properties": obj{"role": str, "order": integer}}
	field := obj{"type": "object", "properties": obj{"id": str, "role": str, "type": obj{"type": "string", "enum": contracts.FieldTypes},
		"label": str, "required": obj{"type": "boolean"}}}
	signer := obj{"type": "object", "properties": obj{"id": str, "name": str, "email": str, "role": str, "order": integer,
		"status": obj{"type": "string", "enum": []string{"PENDING", "SENT", "VIEWED", "SIGNED", "DECLINED"}},
		"sentAt": nullTS, "viewedAt": nullTS, "signedAt": nullTS, "declineReason": nullStr, "ip": nullStr, "userAgent": nullStr,
		"signingUrl": obj{"type": "string", "nullable": true, "description": "Admins only, while the signer can use it"}}}
	return obj{
		"ContractTemplate": obj{"type": "object", "properties": obj{"id": str, "name": str, "body": str,
			"signerRoles": obj{"type": "array", "items": role}, "fields": obj{"type": "array", "items": field}, "version": integer,
			"createdAt": ts, "updatedAt": ts}},
		"ContractTemplateInput": obj{"type": "object", "properties": obj{"name": str, "body": str,
			"signerRoles": obj{"type": "array", "items": role}, "fields": obj{"type": "array", "items": field}}},
		"Contract": obj{"type": "object", "properties": obj{"id": str, "name": str, "templateId": nullStr, "templateVersion": integer,
			"status": obj{"type": "string", "enum": contracts.Statuses}, "provider": str, "providerRequestId": nullStr,
			"personId": nullStr, "companyId": nullStr, "opportunityId": nullStr, "message": str, "document": str,
			"signers": obj{"type": "array", "items": signer}, "originalSha256": str, "finalSha256": nullStr,
			"originalPdfUrl": nullStr, "signedPdfUrl": nullStr, "voidReason": nullStr, "sentAt": nullTS, "completedAt": nullTS,
			"expiresAt": nullTS, "createdAt": ts, "updatedAt": ts,
			"events": obj{"type": "array", "description": "The audit trail (single contract answers)", "items": obj{"type": "object", "properties": obj{
				"id": str, "type": str, "at": ts, "signerId": nullStr, "actor": str, "ip": str, "userAgent": str, "detail": str}}}}},
		"SendContractInput": obj{"type": "object", "required": []string{"templateId"}, "properties": obj{"templateId": str,
			"personId": str, "opportunityId": str, "companyId": str, "provider": obj{"type": "string", "enum": contracts.Providers},
			"expiresInDays": integer, "message": str,
			"signers": obj{"type": "array", "items": obj{"type": "object", "properties": obj{"name": str, "email": str, "role": str, "order": integer}}}}},
	}
}

// contractPaths describes /contractTemplates, /contracts and
// /attachments/{id}.
func contractPaths() obj {
	tag := []string{"contracts"}
	tpl, c := ref("schemas", "ContractTemplate"), ref("schemas", "Contract")
	id := obj{"name": "id", "in": "path", "required": true, "schema": obj{"type": "string", "format": "uuid"}}
	body := func(schema string) obj { return obj{"required": true, "content": jsonContent(ref("schemas", schema))} }
	list := func(key string, item obj) obj {
		return dataResponse("The list", key, obj{"type": "array", "items": item})
	}
	one := func(key string, item obj) obj { return dataResponse("The "+key, key, item) }
	reason := obj{"required": true, "content": jsonContent(obj{"type": "object", "properties": obj{"reason": obj{"type": "string"}}})}
	return obj{
		"/contractTemplates": obj{
			"get":  obj{"summary": "List contract templates", "operationId": "contractTemplates", "tags": tag, "responses": withErrors(obj{"200": list("contractTemplates", tpl)}, "401")},
			"post": obj{"summary": "Create a contract template", "operationId": "createContractTemplate", "tags": tag, "requestBody": body("ContractTemplateInput"), "responses": withErrors(obj{"201": one("createContractTemplate", tpl)}, "400", "401")},
		},
		"/contractTemplates/{id}": obj{
			"parameters": []any{id},
			"get":        obj{"summary": "Get a template (?version=N)", "operationId": "contractTemplate", "tags": tag, "responses": withErrors(obj{"200": one("contractTemplate", tpl)}, "401", "404")},
			"patch":      obj{"summary": "Update a template; a used version becomes a new version", "operationId": "updateContractTemplate", "tags": tag, "requestBody": body("ContractTemplateInput"), "responses": withErrors(obj{"200": one("updateContractTemplate", tpl)}, "400", "401", "404")},
		},
		"/contractTemplates/{id}/preview": obj{"parameters": []any{id}, "post": obj{"summary": "Merge a template with records ({\"recordIds\": [...]})", "operationId": "previewContract", "tags": tag,
			"responses": withErrors(obj{"200": one("previewContract", obj{"type": "object", "properties": obj{"name": obj{"type": "string"}, "document": obj{"type": "string"}}})}, "400", "401", "404")}},
		"/contracts": obj{
			"get": obj{"summary": "List contracts, newest first (?status=SENT,SIGNED&personId=&companyId=&opportunityId=)", "operationId": "contracts", "tags": tag,
				"parameters": paramRefs("limit", "starting_after"), "responses": withErrors(obj{"200": list("contracts", c)}, "400", "401")},
			"post": obj{"summary": "Send a contract", "operationId": "sendContract", "tags": tag, "requestBody": body("SendContractInput"), "responses": withErrors(obj{"201": one("sendContract", c)}, "400", "401")},
		},
		"/contracts/{id}":        obj{"parameters": []any{id}, "get": obj{"summary": "Get a contract with its audit trail", "operationId": "contract", "tags": tag, "responses": withErrors(obj{"200": one("contract", c)}, "401", "404")}},
		"/contracts/{id}/void":   obj{"parameters": []any{id}, "post": obj{"summary": "Void a contract out for signature", "operationId": "voidContract", "tags": tag, "requestBody": reason, "responses": withErrors(obj{"200": one("voidContract", c)}, "400", "401", "404")}},
		"/contracts/{id}/remind": obj{"parameters": []any{id}, "post": obj{"summary": "Remind the signers whose turn it is", "operationId": "remindContractSigners", "tags": tag, "responses": withErrors(obj{"200": one("remindContractSigners", c)}, "400", "401", "404")}},
		"/contracts/verify": obj{"post": obj{"summary": "Check a PDF's seal and whether this workspace sealed exactly this file", "operationId": "verifyContractPdf", "tags": tag,
			"requestBody": obj{"required": true, "content": obj{"application/pdf": obj{"schema": obj{"type": "string", "format": "binary"}}}},
			"responses":   withErrors(obj{"200": one("verifyContractPdf", obj{"type": "object", "properties": obj{"valid": obj{"type": "boolean"}, "known": obj{"type": "boolean"}, "sha256": obj{"type": "string"}, "contractId": obj{"type": "string", "nullable": true}, "problem": obj{"type": "string", "nullable": true}}})}, "400", "401")}},
		"/attachments/{id}": obj{"parameters": []any{id}, "get": obj{"summary": "Download a stored file (a contract's PDF)", "operationId": "attachment", "tags": tag,
			"responses": withErrors(obj{"200": obj{"description": "The file", "content": obj{"application/pdf": obj{"schema": obj{"type": "string", "format": "binary"}}}}}, "401", "404")}},
	}
}
