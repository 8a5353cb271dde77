package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/workflow"
)

// builderData is what the builder page shows.
type builderData struct {
	Tab      string
	Workflow *workflow.Workflow
	Version  *workflow.Version
	// Editable is set for a draft an admin is looking at; other versions
	// are shown read-only, with a way to make a draft from them.
	Editable bool
	Admin    bool
	B        *builder
	Rows     []builderRow
	// JSONMode shows the JSON editor: the definition has a shape the list
	// cannot show (Why), or the person asked for it.
	JSONMode              bool
	Why                   string
	TriggerJSON, StepJSON string
	// Errors are the problems to fix, each linking to its field.
	Errors []builderError
	// Vars are, by step ID, the variables the step may use.
	Vars       map[string][]workflow.VariableSource
	Places     []option
	WebhookURL string
	HasDraft   bool
	Choices    builderChoices
}

// builderChoices are the options the forms offer (the engine checks the
// values again).
type builderChoices struct {
	Objects, TriggerTypes, RecordEvents, WhopEvents, CronTypes, StepTypes, Operands, OrderDirs []option
	HTTPMethods                                                                                []string
}

var choices = func() builderChoices {
	c := builderChoices{TriggerTypes: triggerTypes, RecordEvents: recordEvents, WhopEvents: whopEvents, CronTypes: cronTypes,
		OrderDirs: orderDirs, HTTPMethods: httpMethods}
	for _, o := range crm.Objects() {
		c.Objects = append(c.Objects, option{Value: string(o.Name), Label: o.Label})
	}
	for _, t := range stepTypes {
		c.StepTypes = append(c.StepTypes, option{Value: t.Type, Label: t.Label})
	}
	for _, o := range operandChoices {
		c.Operands = append(c.Operands, option{Value: o.Value, Label: o.Label})
	}
	return c
}()

// builderRow is one line of the list: a step, or the heading of a branch
// or loop body (with Empty set when nothing is placed there yet).
type builderRow struct {
	Step    *builderStep
	Index   int
	Heading string
	Empty   bool
	Depth   int
	First   bool
	Last    bool
}

// builderError is one problem, linked to the form field it names.
type builderError struct {
	Anchor, Text string
}

// Choices the trigger and step forms offer (the engine checks them again).
var (
	recordEvents = []option{{"created", "is created"}, {"updated", "is updated"}, {"deleted", "is deleted"}, {"upserted", "is created or updated"}}
	whopEvents   = []option{
		{"membership.activated", "Membership activated"}, {"membership.deactivated", "Membership deactivated"},
		{"membership.cancel_at_period_end_changed", "Cancel at period end changed"}, {"membership.trial_ending_soon", "Trial ending soon"},
		{"membership.renewal_upcoming", "Renewal upcoming"}, {"payment.succeeded", "Payment succeeded"}, {"payment.failed", "Payment failed"},
		{"refund.created", "Refund created"}, {"dispute.created", "Dispute created"},
	}
	cronTypes    = []option{{"MINUTES", "Every N minutes"}, {"HOURS", "Every N hours"}, {"DAYS", "Every N days"}, {"CUSTOM", "Custom cron pattern"}}
	triggerTypes = []option{
		{workflow.TriggerDatabaseEvent, "A record changes"}, {workflow.TriggerWhopEvent, "A Whop event"}, {workflow.TriggerCron, "On a schedule"},
		{workflow.TriggerManual, "Run by hand"}, {workflow.TriggerWebhook, "A webhook is called"},
	}
	httpMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}
	orderDirs   = []option{{"AscNullsLast", "ascending"}, {"DescNullsLast", "descending"}}
)

// workflowShow opens a workflow on its draft (or, without one, on its
// active or newest version).
func (u *UI) workflowShow(w http.ResponseWriter, r *http.Request) error {
	q, err := u.workflowRequest(r, false)
	if err != nil {
		return err
	}
	v, err := currentVersion(r.Context(), q.svc, q.ws, q.wf.ID)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workflows/"+q.wf.ID+"/versions/"+v.ID, http.StatusSeeOther)
	return nil
}

// currentVersion is the version a workflow opens on: its draft, else its
// active version, else the newest.
func currentVersion(ctx context.Context, svc *workflow.Service, ws, workflowID string) (*workflow.Version, error) {
	for _, status := range []string{workflow.VersionDraft, workflow.VersionActive, ""} {
		pg, err := svc.Versions(ctx, ws, workflow.VersionFilter{WorkflowID: workflowID, Status: status}, workflow.ListParams{First: 1})
		if err != nil {
			return nil, err
		}
		if len(pg.Items) > 0 {
			return pg.Items[0], nil
		}
	}
	return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "this workflow has no version"}
}

// workflowVersionShow shows one version in the builder.
func (u *UI) workflowVersionShow(w http.ResponseWriter, r *http.Request) error {
	d, err := u.builderPage(r, nil)
	if err != nil {
		return err
	}
	d.JSONMode = d.JSONMode || r.URL.Query().Get("json") == "1"
	return u.renderBuilder(w, r, d)
}

func (u *UI) renderBuilder(w http.ResponseWriter, r *http.Request, d *builderData) error {
	return u.render(w, r, "workflow_builder", d.Workflow.Name+" · Automations", d)
}

// builderPage loads the workflow and version of the request and builds
// the page; b, when given, is the form as posted (shown instead of the
// stored version, with its errors).
func (u *UI) builderPage(r *http.Request, b *builder) (*builderData, error) {
	q, err := u.workflowRequest(r, true)
	if err != nil {
		return nil, err
	}
	ctx, svc, ws, wf, v := r.Context(), q.svc, q.ws, q.wf, q.v
	d := &builderData{Tab: "builder", Choices: choices, Workflow: wf, Version: v, Admin: canChangeWorkflows(r), TriggerJSON: indentRaw(v.Trigger), StepJSON: indentRaw(v.Steps),
		WebhookURL: strings.TrimRight(u.cfg.BaseURL, "/") + "/webhooks/workflows/" + ws + "/" + wf.ID}
	d.Editable = d.Admin && v.Status == workflow.VersionDraft
	drafts, err := svc.Versions(ctx, ws, workflow.VersionFilter{WorkflowID: wf.ID, Status: workflow.VersionDraft}, workflow.ListParams{First: 1})
	if err != nil {
		return nil, err
	}
	d.HasDraft = len(drafts.Items) > 0
	if b == nil {
		b, err = builderOf(v.Trigger, v.Steps)
		var unsupported errUnsupported
		if errors.As(err, &unsupported) {
			d.JSONMode, d.Why = true, unsupported.why
			b = &builder{}
		} else if err != nil {
			return nil, err
		}
	}
	d.B = b
	d.Rows = b.rows()
	trig, steps, _ := b.JSON(u.fieldKinds(ctx, ws))
	if d.Vars, err = svc.Variables(ctx, ws, trig, steps); err != nil {
		d.Vars = nil // the picker is a help; a definition it cannot read is reported on save
	}
	d.Places = []option{{"", "the main flow"}}
	for _, s := range b.Steps {
		switch s.Type {
		case "IF_ELSE":
			d.Places = append(d.Places, option{s.ID + ":then", "“" + s.Name + "”: if the conditions hold"}, option{s.ID + ":else", "“" + s.Name + "”: otherwise"})
		case "ITERATOR":
			d.Places = append(d.Places, option{s.ID + ":loop", "“" + s.Name + "”: for each item"})
		}
	}
	return d, nil
}

// rows lays the list out: each step, then the headings and steps of its
// branches or loop body, indented.
func (b *builder) rows() []builderRow {
	index := map[*builderStep]int{}
	for i, s := range b.Steps {
		index[s] = i
	}
	var out []builderRow
	var walk func(place string, depth int)
	walk = func(place string, depth int) {
		seq := b.children(place)
		for i, s := range seq {
			out = append(out, builderRow{Step: s, Index: index[s], Depth: depth, First: i == 0, Last: i == len(seq)-1})
			for _, key := range placeKeys(s.Type) {
				heading := map[string]string{"then": "If the conditions hold", "else": "Otherwise", "loop": "For each item"}[key]
				out = append(out, builderRow{Heading: heading, Depth: depth + 1, Empty: len(b.children(s.ID+":"+key)) == 0})
				walk(s.ID+":"+key, depth+1)
			}
		}
	}
	walk("", 0)
	return out
}

// fieldKinds types record inputs by their fields, reading each object's
// schema (custom fields included) once per request.
func (u *UI) fieldKinds(ctx context.Context, ws string) fieldTyper {
	schemas := map[string]*crm.Schema{}
	return func(object, field string) crm.Kind {
		sc, ok := schemas[object]
		if !ok {
			if o, known := crm.ObjectByName(object); known {
				sc, _ = u.cfg.Records.Schema(ctx, ws, o)
			}
			schemas[object] = sc
		}
		if sc == nil {
			return crm.KindText
		}
		if f, ok := sc.Object.Field(field); ok {
			return f.Kind
		}
		if d, ok := sc.Custom[field]; ok {
			switch d.Type {
			case crm.TypeNumber:
				return crm.KindFloat
			case crm.TypeBoolean:
				return crm.KindBool
			}
		}
		return crm.KindText
	}
}

func indentRaw(b json.RawMessage) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return string(b)
	}
	return indentJSON(v)
}

// stepView is what the step fields partial gets: the page, the step and
// its index in the form.
type stepView struct {
	D *builderData
	S *builderStep
	I int
}

func init() {
	funcs["stepLabel"] = stepTypeLabel
	funcs["stepCtx"] = func(d *builderData, s *builderStep, i int) stepView { return stepView{D: d, S: s, I: i} }
	funcs["add"] = func(a, b int) int { return a + b }
	// conditionRows are a step's conditions and one empty row to add one.
	funcs["conditionRows"] = func(cs []builderCondition) []builderCondition {
		return append(append([]builderCondition(nil), cs...), builderCondition{Operand: "is"})
	}
}
