package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/roster-crm/roster/internal/ai"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// seedAI shows the AI actions in the demo, on whatever provider the server
// runs (offline without a key): each of the first people gets a note with
// their lead score and its reasons, and an unhappy note on one of them
// runs the "Flag unhappy members (AI)" workflow, which adds a follow-up
// task. The calls are in the AI usage ledger like any others.
func (a *App) seedAI(ctx context.Context, wsID string) error {
	if a.AI == nil {
		return nil
	}
	schema, err := a.Records.Schema(ctx, wsID, crm.PersonObject)
	if err != nil {
		return err
	}
	pg, err := a.Records.List(ctx, wsID, schema, crm.ListParams{First: 3})
	if err != nil {
		return err
	}
	actor := crm.Actor{Source: crm.SourceSystem, Name: "Demo"}
	call := ai.Call{WorkspaceID: wsID, SenderName: "Demo Admin"}
	for i, r := range pg.Records {
		id := r.Meta().ID
		if i == 0 {
			if err := addNote(ctx, a.Records, wsID, actor, id, "Support call",
				"Really frustrated: the checkout failed twice and support never answered. Thinking about cancelling."); err != nil {
				return err
			}
		}
		score, err := a.AI.ScoreLead(ctx, call, string(crm.ObjectPerson), id)
		if err != nil {
			return fmt.Errorf("demo lead score: %w", err)
		}
		body := fmt.Sprintf("Score %d (%s), by %s %s:\n- %s", score.Score, score.Tier, score.Provider, score.Model, strings.Join(score.Reasons, "\n- "))
		if err := addNote(ctx, a.Records, wsID, actor, id, "AI lead score", body); err != nil {
			return err
		}
	}
	return nil
}

// addNote creates a note on a person.
func addNote(ctx context.Context, recs *records.Service, wsID string, actor crm.Actor, personID, title, body string) error {
	n, err := recs.Create(ctx, records.CreateParams{WorkspaceID: wsID, Object: crm.NoteObject, Actor: actor,
		Inputs: []crm.Input{{"title": title, "bodyV2": map[string]any{"markdown": body}}}})
	if err != nil {
		return err
	}
	_, err = recs.CreateTarget(ctx, records.TargetParams{WorkspaceID: wsID, Actor: actor, Parent: crm.ObjectNote, ParentID: n[0].Meta().ID, PersonID: &personID})
	return err
}
