package graph

import (
	"context"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/graph/model"
	"github.com/roster-crm/roster/internal/webhooks"
)

// webhooksFor returns the caller and the webhooks service, or an error when
// the deployment runs without it (no encryption key to seal secrets).
func (r *Resolver) webhooksFor(ctx context.Context) (*auth.Principal, *webhooks.Service, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, nil, err
	}
	if r.webhooks == nil {
		return nil, nil, crm.Invalid("", crm.CodeInvalidValue, "outgoing webhooks are not enabled on this server")
	}
	return p, r.webhooks, nil
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

func stringOr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// setCursors fills a page's start and end cursors from its n edges.
func setCursors(info *model.PageInfo, n int, cursor func(int) string) {
	if n == 0 {
		return
	}
	start, end := cursor(0), cursor(n-1)
	info.StartCursor, info.EndCursor = &start, &end
}

// webhookCreateInput reads createWebhook's data, naming the field of a
// value of the wrong type.
func webhookCreateInput(data map[string]any) (webhooks.CreateParams, error) {
	var in webhooks.CreateParams
	u, err := webhookUpdateInput(data)
	if err != nil {
		return in, err
	}
	if u.TargetURL != nil {
		in.TargetURL = *u.TargetURL
	}
	if u.Description != nil {
		in.Description = *u.Description
	}
	in.Operations, in.Enabled = u.Operations, u.Enabled
	return in, nil
}

// webhookUpdateInput reads updateWebhook's data: only the keys sent are set.
func webhookUpdateInput(data map[string]any) (webhooks.UpdateParams, error) {
	var in webhooks.UpdateParams
	for key, v := range data {
		// gqlgen hands nullable inputs over as pointers; null is "not sent".
		switch p := v.(type) {
		case nil:
			continue
		case *string:
			if p == nil {
				continue
			}
		case *bool:
			if p == nil {
				continue
			}
		}
		switch key {
		case "targetUrl", "description":
			s, ok := v.(string)
			if sp, isPtr := v.(*string); isPtr && sp != nil {
				s, ok = *sp, true
			}
			if !ok {
				return in, crm.Invalid(key, crm.CodeInvalidType, "must be a string")
			}
			if key == "targetUrl" {
				in.TargetURL = &s
			} else {
				in.Description = &s
			}
		case "operations":
			if list, ok := v.([]string); ok {
				in.Operations = append([]string{}, list...)
				continue
			}
			list, ok := v.([]any)
			if !ok {
				return in, crm.Invalid(key, crm.CodeInvalidType, "must be a list of strings")
			}
			in.Operations = []string{}
			for _, item := range list {
				s, ok := item.(string)
				if !ok {
					return in, crm.Invalid(key, crm.CodeInvalidType, "must be a list of strings")
				}
				in.Operations = append(in.Operations, s)
			}
		case "enabled":
			b, ok := v.(bool)
			if bp, isPtr := v.(*bool); isPtr && bp != nil {
				b, ok = *bp, true
			}
			if !ok {
				return in, crm.Invalid(key, crm.CodeInvalidType, "must be true or false")
			}
			in.Enabled = &b
		}
	}
	return in, nil
}
