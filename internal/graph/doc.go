// Package graph serves Roster's GraphQL API at POST /graphql in Twenty's
// shapes: per object a connection query, a single-record query and
// create/createMany/update/delete/restore/destroy mutations, plus custom
// field metadata, note/task targets and timelines.
//
// Resolvers call only the records service, so validation, timeline
// activities and domain events are the same as behind every other front
// door. Create, update, filter and orderBy inputs are typed in the schema
// (for introspection and validation) but bound to map[string]any, so a
// partial update carries exactly the keys the client sent.
//
// The per-object schema files are generated from the crm metadata by
// internal/sdlgen; the executor by gqlgen. Both outputs are committed.
package graph

//go:generate go run ./internal/sdlgen -dir schema
//go:generate go tool gqlgen generate
