package graph

import (
	"context"
	"github.com/roster-crm/roster/internal/ai"
	"log/slog"

	"github.com/roster-crm/roster/internal/analytics"
	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/webhooks"
	"github.com/roster-crm/roster/internal/whopsync"
	"github.com/roster-crm/roster/internal/workflow"
)

// Resolver is the root of every resolver. It holds only the records
// service: GraphQL never reaches the store directly.
type Resolver struct {
	records *records.Service
	whop    *whopsync.Service // nil when the integration is off
	// webhooks is nil when the server runs without them (no encryption key).
	webhooks *webhooks.Service
	// ai is nil when a test builds the handler without it.
	ai *ai.Service
	// workflows is nil when a test builds the handler without them.
	workflows *workflow.Service
	audit     *audit.Service
	// contracts is nil when the server runs without them.
	contracts *contracts.Service
	// analytics is nil when a test builds the handler without it.
	analytics *analytics.Service
	log       *slog.Logger
}

// principal returns the authenticated caller; every resolver starts here so
// an unauthenticated request sees UNAUTHENTICATED on each root field.
func principal(ctx context.Context) (*auth.Principal, error) {
	return auth.RequirePrincipal(ctx)
}
