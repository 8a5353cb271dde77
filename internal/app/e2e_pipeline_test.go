package app

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"
	"github.com/roster-crm/roster/internal/browsertest"
	"github.com/roster-crm/roster/internal/crm"
)

// stepPipelineKeyboard moves an opportunity one stage right with the
// keyboard alone: focus the card, Space to pick it up, ArrowRight, Space to
// drop. The move is announced in the live region, the card shows in the new
// column, and it stays there after a reload.
func stepPipelineKeyboard(t *testing.T, s *flowState) {
	p := s.p
	p.Navigate("/pipeline")
	checkPage(t, p, "pipeline")
	p.DocsImage("pipeline", 1280)
	p.DocsImage("pipeline-360", 360)
	// The first card in a column that has a column to its right.
	type card struct{ ID, Stage, Name string }
	c := browsertest.Eval[card](p, `(() => {
		const cols = [...document.querySelectorAll(".kanban-col")];
		for (let i = 0; i < cols.length - 1; i++) {
			const card = cols[i].querySelector(".kanban-card");
			if (card) return {id: card.dataset.opportunityId, stage: cols[i].dataset.stage, name: card.dataset.name};
		}
		return {id: "", stage: "", name: ""};
	})()`)
	if c.ID == "" {
		t.Fatal("no opportunity card on the pipeline with a stage to its right")
	}
	next := ""
	for i, st := range crm.DefaultStages {
		if st == c.Stage && i+1 < len(crm.DefaultStages) {
			next = crm.DefaultStages[i+1]
		}
	}
	if next == "" {
		t.Fatalf("card %s is in stage %q; want a default stage with one after it", c.ID, c.Stage)
	}
	cardSel := css(`[data-opportunity-id="` + c.ID + `"]`)
	p.Focus(cardSel)
	// Each key is announced in the live region: picked up, over the next
	// column, moved (after the server saved it).
	p.Keys(" ")
	p.WaitText(css("#pipeline-status"), "Picked up")
	p.Keys(kb.ArrowRight)
	waitSaid(t, p, "over "+next)
	p.Keys(" ")
	announced := waitSaid(t, p, "moved ")
	if !strings.Contains(strings.ToLower(announced), strings.ToLower(next)) {
		t.Errorf("announcement %q does not name the new stage %s", announced, next)
	}
	if !strings.Contains(strings.ToLower(announced), strings.ToLower(strings.SplitN(c.Name, " - ", 2)[0])) {
		t.Errorf("announcement %q does not name the opportunity %q", announced, c.Name)
	}
	inNext := `.kanban-col[data-stage="` + next + `"] [data-opportunity-id="` + c.ID + `"]`
	p.WaitFor("the card in the "+next+" column", `document.querySelector('`+inNext+`')`)
	p.Reload()
	if !p.Has(inNext) {
		t.Errorf("after reload the card %s is not in %s; want the move saved", c.ID, next)
	}
}

// waitSaid waits until the pipeline's live region says something containing
// want (ignoring case) and returns it.
func waitSaid(t *testing.T, p *browsertest.Page, want string) string {
	t.Helper()
	js := `document.getElementById("pipeline-status").innerText`
	p.WaitFor("the live region to say "+strconv.Quote(want), js+`.toLowerCase().includes(`+strconv.Quote(strings.ToLower(want))+`)`)
	return browsertest.Eval[string](p, js)
}
