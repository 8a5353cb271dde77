package rest

// webhookSchemas are the components of the /webhooks endpoints.
func webhookSchemas() obj {
	str, nullStr := obj{"type": "string"}, obj{"type": "string", "nullable": true}
	ts, nullTS := obj{"type": "string", "format": "date-time"}, obj{"type": "string", "format": "date-time", "nullable": true}
	ops := obj{"type": "array", "items": obj{"type": "string", "example": "person.created"},
		"description": "<object>.<event>, either part may be *: person.created, *.updated, *.*"}
	return obj{
		"Webhook": obj{"type": "object", "properties": obj{
			"id": obj{"type": "string", "format": "uuid"}, "targetUrl": str, "operations": ops, "description": str,
			"secret":  obj{"type": "string", "description": "whsec_...: only in createWebhook's answer"},
			"enabled": obj{"type": "boolean"}, "failureCount": obj{"type": "integer"}, "failingSince": nullTS,
			"disabledReason": nullStr, "lastDeliveryAt": nullTS, "createdAt": ts, "updatedAt": ts,
		}},
		"WebhookInput": obj{"type": "object", "properties": obj{
			"targetUrl": str, "operations": ops, "description": str, "enabled": obj{"type": "boolean"},
		}},
		"WebhookDelivery": obj{"type": "object", "properties": obj{
			"id": obj{"type": "string", "description": "The webhook-id header of every attempt"}, "webhookId": str, "eventType": str,
			"status": obj{"type": "string", "enum": []string{"PENDING", "SUCCEEDED", "FAILED"}}, "attempts": obj{"type": "integer"},
			"lastStatusCode": obj{"type": "integer", "nullable": true}, "lastError": nullStr, "nextAttemptAt": nullTS,
			"createdAt": ts, "updatedAt": ts, "payload": obj{"type": "object", "description": "The JSON body sent"},
			"attemptLog": obj{"type": "array", "items": obj{"type": "object", "properties": obj{
				"id": str, "attempt": obj{"type": "integer"}, "manual": obj{"type": "boolean"}, "attemptedAt": ts,
				"statusCode": obj{"type": "integer", "nullable": true}, "durationMs": obj{"type": "integer"},
				"success": obj{"type": "boolean"}, "error": nullStr, "response": str,
			}}},
		}},
	}
}

// webhookPaths describes the /webhooks endpoints (admins and API keys).
func webhookPaths() obj {
	tag := []string{"webhooks"}
	hook, input := ref("schemas", "Webhook"), obj{"required": true, "content": jsonContent(ref("schemas", "WebhookInput"))}
	idParam := obj{"name": "id", "in": "path", "required": true, "schema": obj{"type": "string", "format": "uuid"}}
	return obj{
		"/webhooks": obj{
			"get": obj{
				"summary": "List outgoing webhooks", "operationId": "findWebhooks", "tags": tag,
				"parameters": paramRefs("limit", "starting_after"),
				"responses":  withErrors(obj{"200": listPage("webhooks", hook)}, "400", "401", "403"),
			},
			"post": obj{
				"summary": "Create an outgoing webhook", "description": "The answer holds the signing secret, shown this once.",
				"operationId": "createWebhook", "tags": tag, "requestBody": input,
				"responses": withErrors(obj{"201": dataResponse("The webhook with its secret", "createWebhook", hook)}, "400", "401", "403"),
			},
		},
		"/webhooks/{id}": obj{
			"parameters": []any{idParam},
			"get": obj{"summary": "Get one webhook", "operationId": "findWebhook", "tags": tag,
				"responses": withErrors(obj{"200": dataResponse("The webhook", "webhook", hook)}, "401", "403", "404")},
			"patch": obj{"summary": "Update a webhook", "description": "Only the keys present change; enabling clears the failure count.",
				"operationId": "updateWebhook", "tags": tag, "requestBody": input,
				"responses": withErrors(obj{"200": dataResponse("The updated webhook", "updateWebhook", hook)}, "400", "401", "403", "404")},
			"delete": obj{"summary": "Delete a webhook with its delivery log", "operationId": "deleteWebhook", "tags": tag,
				"responses": withErrors(obj{"200": dataResponse("The deleted webhook's id", "deleteWebhook", obj{"type": "object", "properties": obj{"id": obj{"type": "string"}}})}, "401", "403", "404")},
		},
		"/webhooks/{id}/deliveries": obj{
			"parameters": []any{idParam},
			"get": obj{"summary": "A webhook's deliveries with their attempts, newest first", "operationId": "findWebhookDeliveries", "tags": tag,
				"parameters": paramRefs("limit", "starting_after"),
				"responses":  withErrors(obj{"200": listPage("webhookDeliveries", ref("schemas", "WebhookDelivery"))}, "400", "401", "403", "404")},
		},
		"/webhooks/{id}/deliveries/{deliveryId}/redeliver": obj{
			"parameters": []any{idParam, obj{"name": "deliveryId", "in": "path", "required": true, "schema": obj{"type": "string"}}},
			"post": obj{"summary": "Send a delivery again now, with the same webhook-id and body", "operationId": "redeliverWebhookDelivery", "tags": tag,
				"responses": withErrors(obj{"202": dataResponse("The delivery, queued", "redeliverWebhookDelivery", ref("schemas", "WebhookDelivery"))}, "401", "403", "404")},
		},
	}
}
