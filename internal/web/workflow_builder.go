package web

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/roster-crm/roster/internal/workflow"
)

// The builder shows a version as a vertical list of forms: the trigger,
// then the steps in the order they run. IF_ELSE branches and ITERATOR
// bodies are nested under their step (a step's Place names its parent and
// the branch), so the form is one flat list of steps that maps both ways
// onto Twenty's steps JSON: builderOf reads a version, (*builder).JSON
// writes it back with explicit nextStepIds. A definition the list cannot
// show faithfully (parallel next steps, nested filter groups written
// through the API) opens in the JSON editor instead.

// builder is the form model of a version.
type builder struct {
	Trigger builderTrigger
	Steps   []*builderStep
}

// builderTrigger is the trigger form: every type's settings, as text.
type builderTrigger struct {
	Type string
	// DATABASE_EVENT
	Object, Event, Fields, Filter string
	// WHOP_EVENT
	WhopEvent, DaysBefore string
	// CRON
	CronType, Minute, Hour, Day, Pattern, TimeZone string
	// MANUAL
	ObjectType string
	// WEBHOOK
	Auth string
	// Errors are problems by form field.
	Errors map[string]string
}

// builderStep is one step's form.
type builderStep struct {
	ID, Name, Type string
	// Place is where the step runs: "" in the main flow, or
	// "<stepId>:then", "<stepId>:else", "<stepId>:loop".
	Place string
	Depth int
	// record steps
	Object, RecordID, Record, Filter, OrderField, OrderDir, Limit string
	// SEND_EMAIL
	To, Cc, Subject, Body, ReplyTo string
	// HTTP_REQUEST
	URL, Method, Headers, HTTPBody string
	// IF_ELSE and FILTER
	Logic      string
	Conditions []builderCondition
	// ITERATOR
	Items string
	// DELAY
	DelayType, Days, Hours, Minutes, Seconds, ScheduledAt string
	// errorHandlingOptions
	ContinueOnFailure, Retry bool
	// Errors are problems by form field ("" for the step as a whole).
	Errors map[string]string
}

// builderCondition is one row of an IF_ELSE or FILTER condition.
type builderCondition struct {
	Left, Operand, Value string
}

// stepTypes are the step types the builder offers, with their labels.
var stepTypes = []struct{ Type, Label string }{
	{"CREATE_RECORD", "Create a record"}, {"UPDATE_RECORD", "Update a record"}, {"DELETE_RECORD", "Delete a record"},
	{"UPSERT_RECORD", "Create or update a record"}, {"FIND_RECORDS", "Find records"}, {"SEND_EMAIL", "Send an email"},
	{"HTTP_REQUEST", "HTTP request"}, {"IF_ELSE", "If / else"}, {"FILTER", "Filter (continue only if)"},
	{"ITERATOR", "For each item"}, {"DELAY", "Wait"},
}

func stepTypeLabel(t string) string {
	for _, s := range stepTypes {
		if s.Type == t {
			return s.Label
		}
	}
	return t
}

// operandChoices are the condition operands, in Twenty's spellings.
var operandChoices = []struct{ Value, Label string }{
	{"is", "is"}, {"isNot", "is not"}, {"contains", "contains"}, {"doesNotContain", "does not contain"},
	{"startsWith", "starts with"}, {"endsWith", "ends with"}, {"greaterThan", "is greater than"},
	{"greaterThanOrEqual", "is at least"}, {"lessThan", "is less than"}, {"lessThanOrEqual", "is at most"},
	{"isBefore", "is before"}, {"isAfter", "is after"}, {"isEmpty", "is empty"}, {"isNotEmpty", "is not empty"},
}

// errUnsupported says a definition cannot be shown as the list.
type errUnsupported struct{ why string }

func (e errUnsupported) Error() string { return e.why }

// builderOf reads a version's trigger and steps into the form model.
func builderOf(trigger, steps []byte) (*builder, error) {
	b := &builder{}
	var t *workflow.Trigger
	if len(trigger) > 0 && string(trigger) != "null" {
		if err := json.Unmarshal(trigger, &t); err != nil {
			return nil, errUnsupported{"the trigger is not a JSON object"}
		}
	}
	if t != nil {
		b.Trigger = triggerForm(t)
	}
	var list []*workflow.Step
	if len(steps) > 0 {
		if err := json.Unmarshal(steps, &list); err != nil {
			return nil, errUnsupported{"the steps are not a JSON list of steps"}
		}
	}
	byID := map[string]*workflow.Step{}
	linked := t != nil && len(t.NextStepIDs) > 0
	for _, s := range list {
		if s == nil || s.ID == "" {
			return nil, errUnsupported{"a step has no id"}
		}
		if _, dup := byID[s.ID]; dup {
			return nil, errUnsupported{fmt.Sprintf("two steps have the id %q", s.ID)}
		}
		byID[s.ID] = s
		if len(s.NextStepIDs) > 0 || s.Type == "IF_ELSE" || s.Type == "ITERATOR" {
			linked = true
		}
	}
	r := &reader{b: b, byID: byID, placed: map[string]bool{}}
	if !linked {
		for _, s := range list {
			if err := r.add(s, "", 0); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	start := ""
	if t != nil && len(t.NextStepIDs) > 0 {
		if len(t.NextStepIDs) > 1 {
			return nil, errUnsupported{"the trigger leads to several steps at once"}
		}
		start = t.NextStepIDs[0]
	} else if len(list) > 0 {
		start = firstUnreferenced(list)
	}
	if err := r.chain(start, "", "", 0); err != nil {
		return nil, err
	}
	if len(r.placed) != len(list) {
		return nil, errUnsupported{"some steps are not reached from the trigger"}
	}
	return b, nil
}

// firstUnreferenced is the first step no other step leads to.
func firstUnreferenced(list []*workflow.Step) string {
	ref := map[string]bool{}
	for _, s := range list {
		for _, n := range s.NextStepIDs {
			ref[n] = true
		}
		for _, n := range stepLinks(s) {
			ref[n] = true
		}
	}
	for _, s := range list {
		if !ref[s.ID] {
			return s.ID
		}
	}
	return ""
}

// stepLinks are a step's branch and loop links.
func stepLinks(s *workflow.Step) []string {
	var out []string
	switch s.Type {
	case "IF_ELSE":
		for _, br := range branches(s) {
			out = append(out, br.NextStepIDs...)
		}
	case "ITERATOR":
		out = append(out, stringList(s.Settings.Input["initialLoopStepIds"])...)
	}
	return out
}

type branch struct {
	ID            string   `json:"id"`
	FilterGroupID string   `json:"filterGroupId"`
	NextStepIDs   []string `json:"nextStepIds"`
}

func branches(s *workflow.Step) []branch {
	var out []branch
	remarshal(s.Settings.Input["branches"], &out)
	return out
}

func remarshal(v, dst any) {
	if v == nil {
		return
	}
	if b, err := json.Marshal(v); err == nil {
		_ = json.Unmarshal(b, dst)
	}
}

func stringList(v any) []string {
	var out []string
	remarshal(v, &out)
	return out
}

// reader walks a linked definition into the list.
type reader struct {
	b      *builder
	byID   map[string]*workflow.Step
	placed map[string]bool
}

func (r *reader) add(s *workflow.Step, place string, depth int) error {
	bs, err := stepForm(s)
	if err != nil {
		return err
	}
	bs.Place, bs.Depth = place, depth
	r.b.Steps = append(r.b.Steps, bs)
	r.placed[s.ID] = true
	return nil
}

// chain adds the steps from id on, following nextStepIds, until stop (the
// step where a branch joins the flow again) or the end.
func (r *reader) chain(id, stop, place string, depth int) error {
	for id != "" && id != stop {
		s, ok := r.byID[id]
		if !ok {
			return errUnsupported{fmt.Sprintf("a step leads to %q, which does not exist", id)}
		}
		if r.placed[id] {
			return errUnsupported{fmt.Sprintf("step %q is reached twice", id)}
		}
		if len(s.NextStepIDs) > 1 {
			return errUnsupported{fmt.Sprintf("step %q leads to several steps at once", id)}
		}
		if err := r.add(s, place, depth); err != nil {
			return err
		}
		next := ""
		if len(s.NextStepIDs) == 1 {
			next = s.NextStepIDs[0]
		}
		switch s.Type {
		case "IF_ELSE":
			brs := branches(s)
			join := next
			if join == "" {
				join = r.join(brs)
			}
			for _, br := range brs {
				if len(br.NextStepIDs) > 1 {
					return errUnsupported{fmt.Sprintf("a branch of step %q leads to several steps at once", id)}
				}
				first := ""
				if len(br.NextStepIDs) == 1 {
					first = br.NextStepIDs[0]
				}
				key := "then"
				if br.FilterGroupID == "" {
					key = "else"
				}
				if err := r.chain(first, join, s.ID+":"+key, depth+1); err != nil {
					return err
				}
			}
			next = join
		case "ITERATOR":
			body := stringList(s.Settings.Input["initialLoopStepIds"])
			if len(body) > 1 {
				return errUnsupported{fmt.Sprintf("the loop of step %q starts several steps at once", id)}
			}
			if len(body) == 1 {
				if err := r.chain(body[0], s.ID, s.ID+":loop", depth+1); err != nil {
					return err
				}
			}
		}
		id = next
	}
	return nil
}

// join is the first step every branch reaches: where the flow continues
// after an IF_ELSE written without its own nextStepIds.
func (r *reader) join(brs []branch) string {
	var paths [][]string
	for _, br := range brs {
		var p []string
		seen := map[string]bool{}
		id := ""
		if len(br.NextStepIDs) > 0 {
			id = br.NextStepIDs[0]
		}
		for id != "" && !seen[id] {
			seen[id] = true
			p = append(p, id)
			s := r.byID[id]
			if s == nil || len(s.NextStepIDs) == 0 {
				break
			}
			id = s.NextStepIDs[0]
		}
		paths = append(paths, p)
	}
	if len(paths) < 2 {
		return ""
	}
	for _, id := range paths[0] {
		all := true
		for _, p := range paths[1:] {
			found := false
			for _, x := range p {
				found = found || x == id
			}
			all = all && found
		}
		if all {
			return id
		}
	}
	return ""
}

// triggerForm reads a trigger's settings into the form.
func triggerForm(t *workflow.Trigger) builderTrigger {
	f := builderTrigger{Type: t.Type}
	str := func(k string) string { return text(t.Settings[k]) }
	switch t.Type {
	case workflow.TriggerDatabaseEvent:
		f.Object, f.Event, _ = strings.Cut(str("eventName"), ".")
		f.Fields = strings.Join(stringList(t.Settings["fields"]), ", ")
		if m, ok := t.Settings["filter"].(map[string]any); ok && len(m) > 0 {
			f.Filter = indentJSON(m)
		}
	case workflow.TriggerWhopEvent:
		f.WhopEvent, f.DaysBefore = str("eventName"), str("daysBefore")
	case workflow.TriggerCron:
		f.CronType, f.Pattern, f.TimeZone = str("type"), str("pattern"), str("timeZone")
		sched, _ := t.Settings["schedule"].(map[string]any)
		f.Minute, f.Hour, f.Day = text(sched["minute"]), text(sched["hour"]), text(sched["day"])
	case workflow.TriggerManual:
		f.ObjectType = str("objectType")
	case workflow.TriggerWebhook:
		f.Auth = str("authentication")
	}
	return f
}

// stepForm reads one step's input into its form.
func stepForm(s *workflow.Step) (*builderStep, error) {
	in := s.Settings.Input
	str := func(k string) string { return text(in[k]) }
	f := &builderStep{ID: s.ID, Name: s.Name, Type: s.Type}
	if eh := s.Settings.ErrorHandlingOptions; eh != nil {
		f.ContinueOnFailure = eh.ContinueOnFailure != nil && eh.ContinueOnFailure.Value == true
		f.Retry = eh.RetryOnFailure != nil && eh.RetryOnFailure.Value == true
	}
	switch s.Type {
	case "CREATE_RECORD", "UPDATE_RECORD", "DELETE_RECORD", "UPSERT_RECORD", "FIND_RECORDS":
		f.Object, f.RecordID = str("objectName"), str("objectRecordId")
		if m, ok := in["objectRecord"].(map[string]any); ok {
			f.Record = recordLines(m)
		}
		if m, ok := in["filter"].(map[string]any); ok && len(m) > 0 {
			f.Filter = indentJSON(m)
		}
		f.Limit = str("limit")
		var order []map[string]string
		remarshal(in["orderBy"], &order)
		if len(order) > 1 {
			return nil, errUnsupported{fmt.Sprintf("step %q sorts by several fields", s.ID)}
		}
		for _, o := range order {
			for k, v := range o {
				f.OrderField, f.OrderDir = k, v
			}
		}
	case "SEND_EMAIL":
		f.To, f.Cc, f.Subject, f.Body, f.ReplyTo = addressText(in["to"]), addressText(in["cc"]), str("subject"), str("body"), str("replyTo")
	case "HTTP_REQUEST":
		f.URL, f.Method = str("url"), str("method")
		if h, ok := in["headers"].(map[string]any); ok {
			keys := sortedKeys(h)
			var lines []string
			for _, k := range keys {
				lines = append(lines, k+": "+text(h[k]))
			}
			f.Headers = strings.Join(lines, "\n")
		}
		switch b := in["body"].(type) {
		case string:
			f.HTTPBody = b
		case nil:
		default:
			f.HTTPBody = indentJSON(b)
		}
	case "IF_ELSE", "FILTER":
		if err := conditionsForm(s, f); err != nil {
			return nil, err
		}
	case "ITERATOR":
		switch v := in["items"].(type) {
		case string:
			f.Items = v
		case nil:
		default:
			f.Items = compactJSONText(v)
		}
	case "DELAY":
		f.DelayType, f.ScheduledAt = str("delayType"), str("scheduledDateTime")
		d, _ := in["duration"].(map[string]any)
		f.Days, f.Hours, f.Minutes, f.Seconds = text(d["days"]), text(d["hours"]), text(d["minutes"]), text(d["seconds"])
	default:
		return nil, errUnsupported{fmt.Sprintf("step %q has the type %q, which the builder does not know", s.ID, s.Type)}
	}
	return f, nil
}

// conditionsForm reads Twenty's step filters when they are one group (the
// shape the builder writes); deeper groups need the JSON editor.
func conditionsForm(s *workflow.Step, f *builderStep) error {
	var groups []struct {
		ID              string `json:"id"`
		LogicalOperator string `json:"logicalOperator"`
		Parent          string `json:"parentStepFilterGroupId"`
	}
	var filters []struct {
		GroupID string `json:"stepFilterGroupId"`
		Left    any    `json:"stepOutputKey"`
		Operand string `json:"operand"`
		Value   any    `json:"value"`
	}
	remarshal(s.Settings.Input["stepFilterGroups"], &groups)
	remarshal(s.Settings.Input["stepFilters"], &filters)
	if len(groups) > 1 {
		return errUnsupported{fmt.Sprintf("step %q has nested condition groups", s.ID)}
	}
	f.Logic = "AND"
	if len(groups) == 1 && strings.EqualFold(groups[0].LogicalOperator, "OR") {
		f.Logic = "OR"
	}
	for _, x := range filters {
		f.Conditions = append(f.Conditions, builderCondition{Left: text(x.Left), Operand: x.Operand, Value: text(x.Value)})
	}
	if s.Type == "IF_ELSE" {
		brs := branches(s)
		conds, elses := 0, 0
		for _, br := range brs {
			if br.FilterGroupID == "" {
				elses++
			} else {
				conds++
			}
		}
		if conds > 1 || elses > 1 {
			return errUnsupported{fmt.Sprintf("step %q has more than an if and an else branch", s.ID)}
		}
	}
	return nil
}

// recordLines writes a record input as "field: value" lines, composite
// fields as "name.firstName: ...".
func recordLines(m map[string]any) string {
	var lines []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for _, k := range sortedKeys(m) {
			sub, isMap := m[k].(map[string]any)
			switch {
			case isMap && prefix == "" && k == "customFields":
				walk("", sub) // custom fields are top-level keys too
			case isMap:
				walk(prefix+k+".", sub)
			default:
				lines = append(lines, prefix+k+": "+text(m[k]))
			}
		}
	}
	walk("", m)
	return strings.Join(lines, "\n")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// text writes an input value as the form shows it.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return compactJSONText(v)
}

func addressText(v any) string {
	if list, ok := v.([]any); ok {
		parts := make([]string, 0, len(list))
		for _, x := range list {
			parts = append(parts, text(x))
		}
		return strings.Join(parts, ", ")
	}
	return text(v)
}

func indentJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return ""
	}
	return string(b)
}

func compactJSONText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
