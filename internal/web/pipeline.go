package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/whopstatus"
)

// pipelineLimit is how many cards a column shows; the rest are a click away
// in the opportunities table filtered by the stage.
const pipelineLimit = 100

// pipelineView is the kanban: one column per stage.
type pipelineView struct {
	Columns []pipelineColumn
	Stages  []string
}

type pipelineColumn struct {
	Stage    string
	Cards    []pipelineCard
	MoreHref string // set when the column has more than pipelineLimit cards
}

type pipelineCard struct {
	ID, Name, Stage string
	// Label names the card in announcements: "Pickaxe - John Doe" (the
	// contact is added unless the name already carries it).
	Label       string
	Amount      string
	Contact     string
	ContactHref string
	Whop        bool
	Status      string
	StatusClass string
}

// pipeline shows opportunities by stage. Each card moves with a small form
// (no JavaScript); pipeline.js adds drag and drop and keyboard moves.
func (u *UI) pipeline(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	schema, err := u.cfg.Records.Schema(ctx, p.WorkspaceID, crm.OpportunityObject)
	if err != nil {
		return err
	}
	v := pipelineView{Stages: crm.DefaultStages}
	contacts := map[string]bool{}
	for _, stage := range crm.DefaultStages {
		col, err := u.pipelineColumn(ctx, p.WorkspaceID, schema, stage)
		if err != nil {
			return err
		}
		for _, c := range col.Cards {
			if c.ContactHref != "" {
				contacts[c.ContactHref] = true
			}
		}
		v.Columns = append(v.Columns, col)
	}
	if err := u.pipelineContacts(ctx, p.WorkspaceID, v.Columns, contacts); err != nil {
		return err
	}
	return u.render(w, r, "pipeline", "Pipeline", v)
}

func (u *UI) pipelineColumn(ctx context.Context, ws string, schema *crm.Schema, stage string) (pipelineColumn, error) {
	col := pipelineColumn{Stage: stage}
	c, err := schema.Condition("stage", "eq", stage, true)
	if err != nil {
		return col, err
	}
	ord, err := schema.OrderBy("updatedAt", string(crm.DescNullsLast))
	if err != nil {
		return col, err
	}
	page, err := u.cfg.Records.List(ctx, ws, schema, crm.ListParams{Filter: &crm.Filter{Conds: []crm.Cond{c}}, OrderBy: []crm.Order{ord}, First: pipelineLimit})
	if err != nil {
		return col, err
	}
	if page.HasNextPage {
		col.MoreHref = "/opportunities?" + url.Values{"f": {"stage"}, "o": {"eq"}, "v": {stage}}.Encode()
	}
	for _, rec := range page.Records {
		o := rec.(*crm.Opportunity)
		card := pipelineCard{ID: o.ID, Name: recordName(o), Stage: o.Stage, Whop: o.WhopMembershipID != nil,
			Status: whopstatus.Label(o.WhopMembershipStatus), StatusClass: statusBadgeClass(o.WhopMembershipStatus)}
		if o.Amount.AmountMicros != nil {
			card.Amount = formatMoney(*o.Amount.AmountMicros, o.Amount.CurrencyCode)
		}
		if o.PointOfContactID != nil {
			card.ContactHref = *o.PointOfContactID // resolved to a name and link below
		}
		col.Cards = append(col.Cards, card)
	}
	return col, nil
}

// pipelineContacts names the cards' points of contact with one query.
func (u *UI) pipelineContacts(ctx context.Context, ws string, cols []pipelineColumn, ids map[string]bool) error {
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	people, err := u.cfg.Records.GetMany(ctx, ws, crm.PersonObject, list)
	if err != nil {
		return err
	}
	for i := range cols {
		for j := range cols[i].Cards {
			c := &cols[i].Cards[j]
			c.Label = c.Name
			if c.ContactHref == "" {
				continue
			}
			if person, ok := people[c.ContactHref]; ok {
				c.Contact, c.ContactHref = recordName(person), "/people/"+c.ContactHref
				if !strings.Contains(c.Name, c.Contact) {
					c.Label = c.Name + " - " + c.Contact
				}
			} else {
				c.ContactHref = ""
			}
		}
	}
	return nil
}
