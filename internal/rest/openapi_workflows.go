package rest

// workflowSchemas are the components of the workflow endpoints.
func workflowSchemas() obj {
	str, id := obj{"type": "string"}, obj{"type": "string", "format": "uuid"}
	ts, nullTS := obj{"type": "string", "format": "date-time"}, obj{"type": "string", "format": "date-time", "nullable": true}
	anyJSON := func(desc string) obj { return obj{"description": desc} }
	return obj{
		"Workflow": obj{"type": "object", "properties": obj{
			"id": id, "name": str, "description": str,
			"statuses":               obj{"type": "array", "items": obj{"type": "string", "enum": []string{"DRAFT", "ACTIVE", "DEACTIVATED"}}},
			"lastPublishedVersionId": obj{"type": "string", "format": "uuid", "nullable": true}, "createdAt": ts, "updatedAt": ts,
		}},
		"WorkflowInput": obj{"type": "object", "required": []string{"name"}, "properties": obj{"name": str, "description": str}},
		"WorkflowVersion": obj{"type": "object", "properties": obj{
			"id": id, "workflowId": id, "name": str,
			"status":    obj{"type": "string", "enum": []string{"DRAFT", "ACTIVE", "DEACTIVATED", "ARCHIVED"}},
			"trigger":   anyJSON("{type, settings}: DATABASE_EVENT, WHOP_EVENT, CRON, MANUAL or WEBHOOK (docs/automations.md)"),
			"steps":     anyJSON("[{id, name, type, valid, settings: {input, outputSchema, errorHandlingOptions}, nextStepIds}]"),
			"createdAt": ts, "updatedAt": ts,
		}},
		"WorkflowVersionInput": obj{"type": "object", "properties": obj{
			"workflowId": obj{"type": "string", "format": "uuid", "description": "Required to create"}, "name": str,
			"trigger": anyJSON("The trigger; null clears it"), "steps": anyJSON("The steps"),
		}},
		"WorkflowRun": obj{"type": "object", "properties": obj{
			"id": id, "workflowId": id, "workflowVersionId": id, "name": str,
			"status":     obj{"type": "string", "enum": []string{"NOT_STARTED", "ENQUEUED", "RUNNING", "COMPLETED", "FAILED", "STOPPING", "STOPPED"}},
			"enqueuedAt": nullTS, "startedAt": nullTS, "endedAt": nullTS, "createdAt": ts,
			"createdBy": obj{"type": "object", "properties": obj{"source": str, "workspaceMemberId": obj{"type": "string", "nullable": true}, "name": str}},
			"state":     anyJSON("{flow: {trigger, steps}, stepInfos: {<stepId>: {status, result, error}}, workflowRunError}"),
		}},
	}
}

// workflowPaths describes /workflows, /workflowVersions and /workflowRuns.
// Reading, running and stopping are for every member; the rest for admins.
func workflowPaths() obj {
	tag := []string{"workflows"}
	idParam := obj{"name": "id", "in": "path", "required": true, "schema": obj{"type": "string", "format": "uuid"}}
	list := append(paramRefs("limit", "starting_after"), obj{"name": "filter", "in": "query", "schema": obj{"type": "string"},
		"description": "field[eq]:value,... (workflows: id, name; versions: workflowId, status; runs: workflowId, workflowVersionId, status)"},
		obj{"name": "order_by", "in": "query", "schema": obj{"type": "string", "example": "createdAt[AscNullsFirst]"}})
	wf, version, run := ref("schemas", "Workflow"), ref("schemas", "WorkflowVersion"), ref("schemas", "WorkflowRun")
	body := func(schema string) obj {
		return obj{"required": true, "content": jsonContent(ref("schemas", schema))}
	}
	boolean := obj{"type": "boolean"}
	versionAction := func(summary, op, key string, answer obj, codes ...string) obj {
		return obj{"parameters": []any{idParam}, "post": obj{"summary": summary, "operationId": op, "tags": tag,
			"responses": withErrors(obj{"200": dataResponse(summary, key, answer)}, codes...)}}
	}
	return obj{
		"/workflows": obj{
			"get": obj{"summary": "List workflows, newest first", "operationId": "findWorkflows", "tags": tag, "parameters": list,
				"responses": withErrors(obj{"200": listPage("workflows", wf)}, "400", "401")},
			"post": obj{"summary": "Create a workflow with its first DRAFT version", "operationId": "createWorkflow", "tags": tag,
				"requestBody": body("WorkflowInput"),
				"responses":   withErrors(obj{"201": dataResponse("The workflow", "createWorkflow", wf)}, "400", "401", "403")},
		},
		"/workflows/{id}": obj{
			"parameters": []any{idParam},
			"get": obj{"summary": "Get one workflow", "operationId": "findWorkflow", "tags": tag,
				"responses": withErrors(obj{"200": dataResponse("The workflow", "workflow", wf)}, "401", "404")},
			"delete": obj{"summary": "Delete a workflow with its versions and runs", "operationId": "deleteWorkflow", "tags": tag,
				"responses": withErrors(obj{"200": dataResponse("The deleted workflow", "deleteWorkflow", wf)}, "401", "403", "404")},
		},
		"/workflowVersions": obj{
			"get": obj{"summary": "List workflow versions, newest first", "operationId": "findWorkflowVersions", "tags": tag, "parameters": list,
				"responses": withErrors(obj{"200": listPage("workflowVersions", version)}, "400", "401")},
			"post": obj{"summary": "Add a DRAFT version to a workflow", "operationId": "createWorkflowVersion", "tags": tag,
				"requestBody": body("WorkflowVersionInput"),
				"responses":   withErrors(obj{"201": dataResponse("The version", "createWorkflowVersion", version)}, "400", "401", "403", "404")},
		},
		"/workflowVersions/{id}": obj{
			"parameters": []any{idParam},
			"get": obj{"summary": "Get one version", "operationId": "findWorkflowVersion", "tags": tag,
				"responses": withErrors(obj{"200": dataResponse("The version", "workflowVersion", version)}, "401", "404")},
			"patch": obj{"summary": "Change a DRAFT version (name, trigger, steps)", "operationId": "updateWorkflowVersion", "tags": tag,
				"requestBody": body("WorkflowVersionInput"),
				"responses":   withErrors(obj{"200": dataResponse("The version", "updateWorkflowVersion", version)}, "400", "401", "403", "404")},
		},
		"/workflowVersions/{id}/activate": versionAction("Validate and activate a version (a refusal names the step and field)",
			"activateWorkflowVersion", "activateWorkflowVersion", boolean, "400", "401", "403", "404"),
		"/workflowVersions/{id}/deactivate": versionAction("Deactivate the active version",
			"deactivateWorkflowVersion", "deactivateWorkflowVersion", boolean, "400", "401", "403", "404"),
		"/workflowVersions/{id}/draft": versionAction("Copy a version into its workflow's draft",
			"createDraftFromWorkflowVersion", "createDraftFromWorkflowVersion", version, "400", "401", "403", "404"),
		"/workflowVersions/{id}/run": obj{"parameters": []any{idParam}, "post": obj{
			"summary": "Start a manual or test run", "operationId": "runWorkflowVersion", "tags": tag,
			"requestBody": obj{"content": jsonContent(obj{"type": "object", "properties": obj{"payload": obj{"type": "object",
				"description": "The trigger's output: {recordIds: [...]} for a MANUAL trigger on an object, a sample record for a test run"}}})},
			"responses": withErrors(obj{"202": dataResponse("The run's id", "runWorkflowVersion",
				obj{"type": "object", "properties": obj{"workflowRunId": obj{"type": "string", "format": "uuid"}}})}, "400", "401", "404")}},
		"/workflowRuns": obj{
			"get": obj{"summary": "List runs, newest first", "operationId": "findWorkflowRuns", "tags": tag, "parameters": list,
				"responses": withErrors(obj{"200": listPage("workflowRuns", run)}, "400", "401")},
		},
		"/workflowRuns/{id}": obj{
			"parameters": []any{idParam},
			"get": obj{"summary": "Get one run with its state", "operationId": "findWorkflowRun", "tags": tag,
				"responses": withErrors(obj{"200": dataResponse("The run", "workflowRun", run)}, "401", "404")},
		},
		"/workflowRuns/{id}/stop": obj{"parameters": []any{idParam}, "post": obj{
			"summary": "Stop a run (at once when queued or waiting, else after its current step)", "operationId": "stopWorkflowRun", "tags": tag,
			"responses": withErrors(obj{"200": dataResponse("The run", "stopWorkflowRun", run)}, "401", "404")}},
	}
}
