package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/workflow"
)

// readBuilder reads the builder form back into the model. Form names are
// "t.<field>" for the trigger and "s.<i>.<field>" for the i-th step of the
// list; "s.<i>.c.<j>.<field>" are condition rows (blank rows are dropped).
func readBuilder(r *http.Request) *builder {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	b := &builder{Trigger: builderTrigger{
		Type: v("t.type"), Object: v("t.object"), Event: v("t.event"), Fields: v("t.fields"), Filter: v("t.filter"),
		WhopEvent: v("t.whopEvent"), DaysBefore: v("t.daysBefore"), CronType: v("t.cronType"), Minute: v("t.minute"),
		Hour: v("t.hour"), Day: v("t.day"), Pattern: v("t.pattern"), TimeZone: v("t.timeZone"), ObjectType: v("t.objectType"), Auth: v("t.auth"),
	}}
	n, _ := strconv.Atoi(v("steps"))
	for i := 0; i < n && i < workflow.MaxSteps; i++ {
		p := func(k string) string { return v(fmt.Sprintf("s.%d.%s", i, k)) }
		raw := func(k string) string { return r.PostFormValue(fmt.Sprintf("s.%d.%s", i, k)) }
		s := &builderStep{
			ID: p("id"), Name: p("name"), Type: p("type"), Place: p("place"),
			Object: p("object"), RecordID: p("recordId"), Record: raw("record"), Filter: p("filter"), OrderField: p("orderField"),
			OrderDir: p("orderDir"), Limit: p("limit"), To: p("to"), Cc: p("cc"), Subject: p("subject"), Body: raw("body"),
			ReplyTo: p("replyTo"), URL: p("url"), Method: p("method"), Headers: raw("headers"), HTTPBody: raw("httpBody"),
			Logic: p("logic"), Items: p("items"), DelayType: p("delayType"), Days: p("days"), Hours: p("hours"),
			Minutes: p("minutes"), Seconds: p("seconds"), ScheduledAt: p("scheduledAt"),
			ContinueOnFailure: p("continueOnFailure") != "", Retry: p("retry") != "",
		}
		if s.ID == "" || s.Type == "" {
			continue
		}
		cn, _ := strconv.Atoi(p("cn"))
		for j := 0; j < cn && j < 50; j++ {
			c := builderCondition{Left: p(fmt.Sprintf("c.%d.left", j)), Operand: p(fmt.Sprintf("c.%d.op", j)), Value: p(fmt.Sprintf("c.%d.value", j))}
			if c.Left != "" {
				s.Conditions = append(s.Conditions, c)
			}
		}
		b.Steps = append(b.Steps, s)
	}
	b.normalize()
	return b
}

// normalize drops places that no longer exist (their step was removed or
// changed type), orders the list as it runs (each step followed by its
// branches and body) and sets depths.
func (b *builder) normalize() {
	byID := map[string]*builderStep{}
	for _, s := range b.Steps {
		byID[s.ID] = s
	}
	for _, s := range b.Steps {
		if s.Place == "" {
			continue
		}
		parent, key, _ := strings.Cut(s.Place, ":")
		p, ok := byID[parent]
		if !ok || parent == s.ID || !placeFits(p.Type, key) || b.inside(p, s.ID, byID) {
			s.Place = ""
		}
	}
	var out []*builderStep
	var walk func(place string, depth int)
	walk = func(place string, depth int) {
		for _, s := range b.Steps {
			if s.Place != place {
				continue
			}
			s.Depth = depth
			out = append(out, s)
			for _, key := range placeKeys(s.Type) {
				walk(s.ID+":"+key, depth+1)
			}
		}
	}
	walk("", 0)
	b.Steps = out
}

// inside reports whether step p sits (at any depth) inside the step id,
// which would make a cycle of places.
func (b *builder) inside(p *builderStep, id string, byID map[string]*builderStep) bool {
	seen := map[string]bool{}
	for cur := p; cur != nil && cur.Place != "" && !seen[cur.ID]; {
		seen[cur.ID] = true
		parent, _, _ := strings.Cut(cur.Place, ":")
		if parent == id {
			return true
		}
		cur = byID[parent]
	}
	return false
}

func placeKeys(stepType string) []string {
	switch stepType {
	case "IF_ELSE":
		return []string{"then", "else"}
	case "ITERATOR":
		return []string{"loop"}
	}
	return nil
}

func placeFits(stepType, key string) bool {
	for _, k := range placeKeys(stepType) {
		if k == key {
			return true
		}
	}
	return false
}

// children are the steps placed directly at place, in order.
func (b *builder) children(place string) []*builderStep {
	var out []*builderStep
	for _, s := range b.Steps {
		if s.Place == place {
			out = append(out, s)
		}
	}
	return out
}

// add appends a new step of type t at the end of place.
func (b *builder) add(t, place string) *builderStep {
	n := 0
	for _, s := range b.Steps {
		if strings.HasPrefix(s.ID, "step") {
			if k, err := strconv.Atoi(strings.TrimPrefix(s.ID, "step")); err == nil && k > n {
				n = k
			}
		}
	}
	s := &builderStep{ID: fmt.Sprintf("step%d", n+1), Type: t, Name: stepTypeLabel(t), Place: place, Logic: "AND"}
	switch t {
	case "HTTP_REQUEST":
		s.Method = "POST"
	case "DELAY":
		s.DelayType, s.Days = "DURATION", "1"
	case "FIND_RECORDS":
		s.Limit = "10"
	}
	b.Steps = append(b.Steps, s)
	b.normalize()
	return s
}

// remove deletes the step id and every step placed inside it.
func (b *builder) remove(id string) {
	gone := map[string]bool{id: true}
	for changed := true; changed; {
		changed = false
		for _, s := range b.Steps {
			parent, _, _ := strings.Cut(s.Place, ":")
			if s.Place != "" && gone[parent] && !gone[s.ID] {
				gone[s.ID], changed = true, true
			}
		}
	}
	var out []*builderStep
	for _, s := range b.Steps {
		if !gone[s.ID] {
			out = append(out, s)
		}
	}
	b.Steps = out
	b.normalize()
}

// move swaps the step id with its previous (delta -1) or next (+1)
// sibling in the same place; its branches move with it.
func (b *builder) move(id string, delta int) {
	var place string
	for _, s := range b.Steps {
		if s.ID == id {
			place = s.Place
		}
	}
	sib := b.children(place)
	for i, s := range sib {
		if s.ID != id || i+delta < 0 || i+delta >= len(sib) {
			continue
		}
		other := sib[i+delta]
		var a, c int
		for k, x := range b.Steps {
			if x == s {
				a = k
			}
			if x == other {
				c = k
			}
		}
		b.Steps[a], b.Steps[c] = b.Steps[c], b.Steps[a]
		break
	}
	b.normalize()
}

// fieldTyper types a record input's text value by the field it is for.
type fieldTyper func(object, field string) crm.Kind

// JSON writes the model as Twenty's trigger and steps. Form text that is
// not what its field needs (a filter that is not JSON, a duration that is
// not a number) is an error keyed like the form's errors.
func (b *builder) JSON(kind fieldTyper) (json.RawMessage, json.RawMessage, map[string]string) {
	errs := map[string]string{}
	steps := make([]map[string]any, 0, len(b.Steps))
	index := map[string]map[string]any{}
	for _, s := range b.Steps {
		m, err := s.json(kind)
		if err != nil {
			errs[s.ID+"."+err.Field] = err.Message
		}
		steps = append(steps, m)
		index[s.ID] = m
	}
	link := func(ids []*builderStep, next string) []string {
		if len(ids) > 0 {
			return []string{ids[0].ID}
		}
		if next != "" {
			return []string{next}
		}
		return []string{}
	}
	var chain func(place, cont string)
	chain = func(place, cont string) {
		seq := b.children(place)
		for i, s := range seq {
			next := cont
			if i+1 < len(seq) {
				next = seq[i+1].ID
			}
			m := index[s.ID]
			m["nextStepIds"] = link(nil, next)
			input := m["settings"].(map[string]any)["input"].(map[string]any)
			switch s.Type {
			case "IF_ELSE":
				then, els := b.children(s.ID+":then"), b.children(s.ID+":else")
				input["branches"] = []any{
					map[string]any{"id": s.ID + "-then", "filterGroupId": s.ID + "-if", "nextStepIds": link(then, next)},
					map[string]any{"id": s.ID + "-else", "nextStepIds": link(els, next)},
				}
				chain(s.ID+":then", next)
				chain(s.ID+":else", next)
			case "ITERATOR":
				body := b.children(s.ID + ":loop")
				input["initialLoopStepIds"] = link(body, "")
				chain(s.ID+":loop", "")
			}
		}
	}
	chain("", "")
	t, terr := b.Trigger.json()
	for k, v := range terr {
		errs["trigger."+k] = v
	}
	if t != nil {
		t["nextStepIds"] = link(b.children(""), "")
	}
	tj, _ := json.Marshal(t)
	if t == nil {
		tj = []byte("null")
	}
	sj, _ := json.Marshal(steps)
	return tj, sj, errs
}

// json writes the trigger form as {type, settings}; nil when no type is
// chosen yet.
func (t builderTrigger) json() (map[string]any, map[string]string) {
	if t.Type == "" {
		return nil, nil
	}
	errs := map[string]string{}
	set := map[string]any{}
	num := func(field, v string) any {
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs[field] = fmt.Sprintf("%q is not a whole number", v)
			return v
		}
		return n
	}
	switch t.Type {
	case workflow.TriggerDatabaseEvent:
		if t.Object != "" || t.Event != "" {
			set["eventName"] = t.Object + "." + t.Event
		}
		if fs := splitOperations(t.Fields); len(fs) > 0 {
			set["fields"] = fs
		}
		if t.Filter != "" {
			var f map[string]any
			if err := json.Unmarshal([]byte(t.Filter), &f); err != nil {
				errs["filter"] = "not a JSON object in the API's filter language, e.g. {\"city\": {\"eq\": \"Paris\"}}"
			} else {
				set["filter"] = f
			}
		}
	case workflow.TriggerWhopEvent:
		set["eventName"] = t.WhopEvent
		if d := num("daysBefore", t.DaysBefore); d != nil {
			set["daysBefore"] = d
		}
	case workflow.TriggerCron:
		set["type"] = t.CronType
		switch t.CronType {
		case "CUSTOM":
			set["pattern"] = t.Pattern
		default:
			sched := map[string]any{}
			for _, f := range []struct{ name, v string }{{"minute", t.Minute}, {"hour", t.Hour}, {"day", t.Day}} {
				if (f.name == "hour" && t.CronType == "MINUTES") || (f.name == "day" && t.CronType != "DAYS") {
					continue
				}
				if n := num(f.name, f.v); n != nil {
					sched[f.name] = n
				}
			}
			set["schedule"] = sched
		}
		if t.TimeZone != "" {
			set["timeZone"] = t.TimeZone
		}
	case workflow.TriggerManual:
		if t.ObjectType != "" {
			set["objectType"] = t.ObjectType
		}
	case workflow.TriggerWebhook:
		if t.Auth != "" {
			set["authentication"] = t.Auth
		} else {
			set["authentication"] = nil
		}
	}
	return map[string]any{"type": t.Type, "settings": set}, errs
}

// json writes one step in Twenty's shape (its links are set by the
// builder). The first form field that cannot be read is returned.
func (s *builderStep) json(kind fieldTyper) (map[string]any, *crm.Error) {
	in := map[string]any{}
	var bad *crm.Error
	fail := func(field, format string, args ...any) {
		if bad == nil {
			bad = &crm.Error{Field: field, Message: fmt.Sprintf(format, args...)}
		}
	}
	put := func(k, v string) {
		if v != "" {
			in[k] = v
		}
	}
	switch s.Type {
	case "CREATE_RECORD", "UPDATE_RECORD", "DELETE_RECORD", "UPSERT_RECORD", "FIND_RECORDS":
		put("objectName", s.Object)
		if s.Type == "UPDATE_RECORD" || s.Type == "DELETE_RECORD" {
			put("objectRecordId", s.RecordID)
		}
		if s.Type == "CREATE_RECORD" || s.Type == "UPDATE_RECORD" || s.Type == "UPSERT_RECORD" {
			rec, keys, err := parseRecordLines(s.Record, func(field string) crm.Kind { return kind(s.Object, field) })
			if err != "" {
				fail("record", "%s", err)
			}
			in["objectRecord"] = rec
			if s.Type == "UPDATE_RECORD" {
				in["fieldsToUpdate"] = keys
			}
		}
		if s.Type == "FIND_RECORDS" {
			if s.Filter != "" {
				var f map[string]any
				if err := json.Unmarshal([]byte(s.Filter), &f); err != nil {
					fail("filter", "not a JSON object in the API's filter language, e.g. {\"city\": {\"eq\": \"Paris\"}}")
				} else {
					in["filter"] = f
				}
			}
			if s.OrderField != "" {
				dir := s.OrderDir
				if dir == "" {
					dir = "AscNullsLast"
				}
				in["orderBy"] = []any{map[string]any{s.OrderField: dir}}
			}
			if s.Limit != "" {
				n, err := strconv.Atoi(s.Limit)
				if err != nil {
					fail("limit", "%q is not a whole number", s.Limit)
				} else {
					in["limit"] = n
				}
			}
		}
	case "SEND_EMAIL":
		put("to", s.To)
		put("cc", s.Cc)
		put("subject", s.Subject)
		put("body", s.Body)
		put("replyTo", s.ReplyTo)
	case "HTTP_REQUEST":
		put("url", s.URL)
		put("method", s.Method)
		if strings.TrimSpace(s.Headers) != "" {
			h := map[string]any{}
			for _, line := range strings.Split(s.Headers, "\n") {
				if strings.TrimSpace(line) == "" {
					continue
				}
				k, v, ok := strings.Cut(line, ":")
				if !ok {
					fail("headers", "%q is not a \"Name: value\" line", strings.TrimSpace(line))
					continue
				}
				h[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
			in["headers"] = h
		}
		if body := strings.TrimSpace(s.HTTPBody); body != "" {
			var obj any
			if (strings.HasPrefix(body, "{") || strings.HasPrefix(body, "[")) && json.Unmarshal([]byte(body), &obj) == nil {
				in["body"] = obj // sent as JSON, variables resolved inside
			} else {
				in["body"] = s.HTTPBody
			}
		}
	case "IF_ELSE", "FILTER":
		logic := "AND"
		if s.Logic == "OR" {
			logic = "OR"
		}
		group := s.ID + "-if"
		in["stepFilterGroups"] = []any{map[string]any{"id": group, "logicalOperator": logic}}
		filters := []any{}
		for j, c := range s.Conditions {
			op := c.Operand
			if op == "" {
				op = "is"
			}
			filters = append(filters, map[string]any{"id": fmt.Sprintf("%s-c%d", s.ID, j+1), "stepFilterGroupId": group,
				"stepOutputKey": c.Left, "operand": op, "value": c.Value})
		}
		in["stepFilters"] = filters
	case "ITERATOR":
		put("items", s.Items)
	case "DELAY":
		put("delayType", s.DelayType)
		if s.DelayType == "SCHEDULED_DATE" {
			put("scheduledDateTime", s.ScheduledAt)
		} else {
			d := map[string]any{}
			for _, u := range []struct{ name, v string }{{"days", s.Days}, {"hours", s.Hours}, {"minutes", s.Minutes}, {"seconds", s.Seconds}} {
				if u.v == "" {
					continue
				}
				n, err := strconv.Atoi(u.v)
				if err != nil || n < 0 {
					fail("duration", "%s: %q is not a whole number", u.name, u.v)
					continue
				}
				d[u.name] = n
			}
			in["duration"] = d
		}
	}
	settings := map[string]any{"input": in}
	if s.ContinueOnFailure || s.Retry {
		eh := map[string]any{}
		if s.ContinueOnFailure {
			eh["continueOnFailure"] = map[string]any{"value": true}
		}
		if s.Retry {
			eh["retryOnFailure"] = map[string]any{"value": true}
		}
		settings["errorHandlingOptions"] = eh
	}
	return map[string]any{"id": s.ID, "name": s.Name, "type": s.Type, "valid": true, "settings": settings, "nextStepIds": []string{}}, bad
}

// parseRecordLines reads "field: value" lines into a record input: dotted
// names nest (name.firstName), and a value is typed by its field (a number
// for a number field, true/false for a checkbox) unless it holds a
// variable, which the engine types when it renders it.
func parseRecordLines(text string, kind func(field string) crm.Kind) (map[string]any, []string, string) {
	out := map[string]any{}
	var keys []string
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			return out, keys, fmt.Sprintf("%q is not a \"field: value\" line", strings.TrimSpace(line))
		}
		var val any = v
		if !strings.Contains(v, "{{") {
			switch kind(k) {
			case crm.KindInt, crm.KindFloat:
				if n, err := strconv.ParseFloat(v, 64); err == nil {
					val = n
				}
			case crm.KindBool:
				if b, err := strconv.ParseBool(v); err == nil {
					val = b
				}
			}
			if v == "" {
				val = nil
			}
		}
		parts := strings.Split(k, ".")
		cur := out
		for _, p := range parts[:len(parts)-1] {
			next, ok := cur[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				cur[p] = next
			}
			cur = next
		}
		cur[parts[len(parts)-1]] = val
		if len(keys) == 0 || keys[len(keys)-1] != parts[0] {
			keys = appendUnique(keys, parts[0])
		}
	}
	return out, keys, ""
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
