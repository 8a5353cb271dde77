// Package rest serves Roster's Twenty-shaped REST API under /rest/ and its
// OpenAPI 3 document. Every endpoint is generic over the crm object
// metadata: one set of handlers serves people, companies, opportunities,
// notes and tasks, rendering records and compiling filters from the same
// field list the store and GraphQL use, so the shapes cannot drift apart.
// Handlers call only the records service; tenancy comes from the
// authenticated principal's workspace.
package rest
