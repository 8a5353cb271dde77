package graph

import (
	"context"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

func (r *Resolver) createTarget(ctx context.Context, parent crm.ObjectName, parentID string, personID, companyID, opportunityID *string) (*crm.TargetLink, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	defer loaderFrom(ctx).reset()
	return r.records.CreateTarget(ctx, records.TargetParams{
		WorkspaceID: p.WorkspaceID, Actor: p.Actor(), Parent: parent, ParentID: parentID,
		PersonID: personID, CompanyID: companyID, OpportunityID: opportunityID,
	})
}

func (r *Resolver) deleteTarget(ctx context.Context, parent crm.ObjectName, id string) (*crm.TargetLink, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	return r.records.DeleteTarget(ctx, p.WorkspaceID, parent, id)
}
