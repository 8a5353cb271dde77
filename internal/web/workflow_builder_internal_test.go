package web

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/workflow"
)

// standardKinds types record inputs by the standard objects' fields.
func standardKinds(object, field string) crm.Kind {
	if o, ok := crm.ObjectByName(object); ok {
		if f, ok := o.Field(field); ok {
			return f.Kind
		}
	}
	return crm.KindText
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	return v
}

// TestBuilderKeepsTemplates reads every template into the builder and
// writes it back: the steps keep their order, names and inputs (filter
// conditions by their variable, operand and value), and a second round
// trip changes nothing.
func TestBuilderKeepsTemplates(t *testing.T) {
	for _, tpl := range workflow.Templates() {
		t.Run(tpl.Key, func(t *testing.T) {
			b, err := builderOf(tpl.Trigger, tpl.Steps)
			if err != nil {
				t.Fatalf("builderOf: %v", err)
			}
			trig, steps, errs := b.JSON(standardKinds)
			if len(errs) > 0 {
				t.Fatalf("JSON errors: %v", errs)
			}
			var orig, got []*workflow.Step
			_ = json.Unmarshal(tpl.Steps, &orig)
			_ = json.Unmarshal(steps, &got)
			if len(got) != len(orig) {
				t.Fatalf("%d steps; want %d", len(got), len(orig))
			}
			for i := range orig {
				o, g := orig[i], got[i]
				if o.ID != g.ID || o.Name != g.Name || o.Type != g.Type {
					t.Errorf("step %d = %s %q %s; want %s %q %s", i, g.ID, g.Name, g.Type, o.ID, o.Name, o.Type)
				}
				if o.Type == "FILTER" {
					if conds(o) != conds(g) {
						t.Errorf("step %s conditions = %s; want %s", o.ID, conds(g), conds(o))
					}
					continue
				}
				if !reflect.DeepEqual(decode(t, mustJSON(o.Settings.Input)), decode(t, mustJSON(g.Settings.Input))) {
					t.Errorf("step %s input = %s; want %s", o.ID, mustJSON(g.Settings.Input), mustJSON(o.Settings.Input))
				}
				if i+1 < len(orig) && (len(g.NextStepIDs) != 1 || g.NextStepIDs[0] != orig[i+1].ID) {
					t.Errorf("step %s leads to %v; want %s", o.ID, g.NextStepIDs, orig[i+1].ID)
				}
			}
			var ot, gt map[string]any
			_ = json.Unmarshal(tpl.Trigger, &ot)
			_ = json.Unmarshal(trig, &gt)
			if !reflect.DeepEqual(ot["settings"], gt["settings"]) || ot["type"] != gt["type"] {
				t.Errorf("trigger = %s; want %s", trig, tpl.Trigger)
			}
			b2, err := builderOf(trig, steps)
			if err != nil {
				t.Fatalf("builderOf(its own JSON): %v", err)
			}
			trig2, steps2, _ := b2.JSON(standardKinds)
			if string(trig2) != string(trig) || string(steps2) != string(steps) {
				t.Errorf("second round trip changed the JSON:\n%s\n%s", steps, steps2)
			}
		})
	}
}

func conds(s *workflow.Step) string {
	var fs []struct {
		Left    string `json:"stepOutputKey"`
		Operand string `json:"operand"`
		Value   string `json:"value"`
	}
	b, _ := json.Marshal(s.Settings.Input["stepFilters"])
	_ = json.Unmarshal(b, &fs)
	var out []string
	for _, f := range fs {
		out = append(out, f.Left+" "+f.Operand+" "+f.Value)
	}
	return strings.Join(out, "; ")
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// TestBuilderNesting checks branches and loop bodies: the list nests them
// under their step, the JSON links them (each branch ends where the flow
// continues, a loop body ends back at its loop), and moving and removing
// steps keep the nesting.
func TestBuilderNesting(t *testing.T) {
	b := &builder{Trigger: builderTrigger{Type: workflow.TriggerManual}}
	check := b.add("IF_ELSE", "")
	yes := b.add("SEND_EMAIL", check.ID+":then")
	no := b.add("CREATE_RECORD", check.ID+":else")
	after := b.add("ITERATOR", "")
	body := b.add("DELAY", after.ID+":loop")
	last := b.add("FILTER", "")
	var order []string
	for _, s := range b.Steps {
		order = append(order, s.ID+"@"+strconv.Itoa(s.Depth))
	}
	if got, want := strings.Join(order, " "), "step1@0 step2@1 step3@1 step4@0 step5@1 step6@0"; got != want {
		t.Fatalf("list = %s; want %s", got, want)
	}
	_, steps, errs := b.JSON(standardKinds)
	if len(errs) > 0 {
		t.Fatalf("JSON errors: %v", errs)
	}
	var got []*workflow.Step
	_ = json.Unmarshal(steps, &got)
	byID := map[string]*workflow.Step{}
	for _, s := range got {
		byID[s.ID] = s
	}
	brs := branches(byID[check.ID])
	if len(brs) != 2 || brs[0].NextStepIDs[0] != yes.ID || brs[1].NextStepIDs[0] != no.ID || brs[1].FilterGroupID != "" {
		t.Errorf("branches = %+v; want then -> %s, else -> %s", brs, yes.ID, no.ID)
	}
	for _, id := range []string{yes.ID, no.ID, check.ID} {
		if n := byID[id].NextStepIDs; len(n) != 1 || n[0] != after.ID {
			t.Errorf("%s leads to %v; want the step after the block, %s", id, n, after.ID)
		}
	}
	if ids := stringList(byID[after.ID].Settings.Input["initialLoopStepIds"]); len(ids) != 1 || ids[0] != body.ID || len(byID[body.ID].NextStepIDs) != 0 {
		t.Errorf("loop body = %v, then %v; want %s, ending back at the loop", ids, byID[body.ID].NextStepIDs, body.ID)
	}
	if n := byID[after.ID].NextStepIDs; len(n) != 1 || n[0] != last.ID {
		t.Errorf("the loop leads to %v; want %s", n, last.ID)
	}
	back, err := builderOf([]byte(`{"type":"MANUAL","settings":{}}`), steps)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range back.Steps {
		if s.ID != b.Steps[i].ID || s.Place != b.Steps[i].Place || s.Depth != b.Steps[i].Depth {
			t.Errorf("read back step %d = %s in %q; want %s in %q", i, s.ID, s.Place, b.Steps[i].ID, b.Steps[i].Place)
		}
	}

	b.move(after.ID, -1) // the loop goes before the if/else, with its body
	if b.Steps[0].ID != after.ID || b.Steps[1].ID != body.ID || b.Steps[2].ID != check.ID {
		t.Errorf("after moving the loop up: %s %s %s; want %s %s %s", b.Steps[0].ID, b.Steps[1].ID, b.Steps[2].ID, after.ID, body.ID, check.ID)
	}
	b.remove(check.ID)
	for _, s := range b.Steps {
		if s.ID == yes.ID || s.ID == no.ID || s.ID == check.ID {
			t.Errorf("step %s is still there after its if/else was removed", s.ID)
		}
	}
}

// TestBuilderRefusesShapesItCannotShow sends unusual API-written shapes to
// the JSON editor.
func TestBuilderRefusesShapesItCannotShow(t *testing.T) {
	for name, steps := range map[string]string{
		"parallel next steps": `[{"id":"a","type":"DELAY","nextStepIds":["b","c"],"settings":{"input":{}}},{"id":"b","type":"DELAY","settings":{"input":{}}},{"id":"c","type":"DELAY","settings":{"input":{}}}]`,
		"unknown type":        `[{"id":"a","type":"AI_SCORE","settings":{"input":{}}}]`,
		"nested groups":       `[{"id":"a","type":"FILTER","settings":{"input":{"stepFilterGroups":[{"id":"g1"},{"id":"g2","parentStepFilterGroupId":"g1"}]}}}]`,
	} {
		_, err := builderOf(nil, []byte(steps))
		var u errUnsupported
		if !errors.As(err, &u) {
			t.Errorf("%s: builderOf = %v; want errUnsupported", name, err)
		}
	}
}
