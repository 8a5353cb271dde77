// Package postgres holds the PostgreSQL schema migrations, embedded in the binary.
package postgres

import "embed"

// Migrations are goose SQL migrations under migrations/, each with a down step.
//
//go:embed migrations/*.sql
var Migrations embed.FS
