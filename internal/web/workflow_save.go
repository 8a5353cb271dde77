package web

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/workflow"
)

// workflowSave saves the builder form into the draft (updateWorkflowVersion
// semantics: only a DRAFT changes). The form's buttons say what else to do
// first: add, remove or move a step, or activate the saved draft. Form text
// that cannot be read, or a draft the engine refuses to activate, shows the
// form again with the problem next to its field; unreadable input saves
// nothing.
func (u *UI) workflowSave(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.workflowsService()
	if err != nil {
		return err
	}
	ctx := r.Context()
	ws := auth.PrincipalFrom(ctx).WorkspaceID
	b := readBuilder(r)
	op, arg, _ := strings.Cut(r.PostFormValue("op"), ":")
	anchor := ""
	switch op {
	case "add":
		s := b.add(r.PostFormValue("add_type"), r.PostFormValue("add_place"))
		anchor = "step-" + s.ID
	case "remove":
		b.remove(arg)
	case "up", "down":
		delta := -1
		if op == "down" {
			delta = 1
		}
		b.move(arg, delta)
		anchor = "step-" + arg
	}
	d, err := u.builderPage(r, b)
	if err != nil {
		return err
	}
	trigger, steps, formErrs := b.JSON(u.fieldKinds(ctx, ws))
	if len(formErrs) > 0 {
		d.setErrors(formErrs)
		w.WriteHeader(http.StatusBadRequest)
		return u.renderBuilder(w, r, d)
	}
	if _, err := svc.UpdateVersion(ctx, ws, d.Version.ID, workflow.VersionInput{Trigger: trigger, Steps: steps}); err != nil {
		if !d.showEngineError(err) {
			return err
		}
		w.WriteHeader(http.StatusBadRequest)
		return u.renderBuilder(w, r, d)
	}
	to := "/workflows/" + d.Workflow.ID + "/versions/" + d.Version.ID
	if op == "activate" {
		if _, err := svc.ActivateVersion(ctx, ws, d.Version.ID); err != nil {
			if !d.showEngineError(err) {
				return err
			}
			w.WriteHeader(http.StatusUnprocessableEntity)
			return u.renderBuilder(w, r, d)
		}
		return u.redirect(w, r, to, "Saved and activated: “"+d.Workflow.Name+"” now runs on its trigger.")
	}
	if anchor != "" {
		to += "#" + anchor
	}
	return u.redirect(w, r, to, "Draft saved.")
}

// workflowSaveJSON saves the JSON editor's trigger and steps into the draft.
func (u *UI) workflowSaveJSON(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.workflowsService()
	if err != nil {
		return err
	}
	ctx := r.Context()
	ws := auth.PrincipalFrom(ctx).WorkspaceID
	d, err := u.builderPage(r, nil)
	if err != nil {
		return err
	}
	d.JSONMode = true
	d.TriggerJSON, d.StepJSON = r.PostFormValue("trigger"), r.PostFormValue("steps")
	trigger := json.RawMessage(strings.TrimSpace(d.TriggerJSON))
	if len(trigger) == 0 {
		trigger = json.RawMessage("null")
	}
	steps := json.RawMessage(strings.TrimSpace(d.StepJSON))
	if len(steps) == 0 {
		steps = json.RawMessage("[]")
	}
	if !json.Valid(trigger) || !json.Valid(steps) {
		field := "steps"
		if !json.Valid(trigger) {
			field = "trigger"
		}
		d.Errors = []builderError{{Anchor: "json-" + field, Text: "The " + field + " are not valid JSON."}}
		w.WriteHeader(http.StatusBadRequest)
		return u.renderBuilder(w, r, d)
	}
	if _, err := svc.UpdateVersion(ctx, ws, d.Version.ID, workflow.VersionInput{Trigger: trigger, Steps: steps}); err != nil {
		e, ok := crm.AsError(err)
		if !ok {
			return err
		}
		d.Errors = []builderError{{Anchor: "json-steps", Text: e.Field + ": " + e.Message}}
		w.WriteHeader(http.StatusBadRequest)
		return u.renderBuilder(w, r, d)
	}
	return u.redirect(w, r, "/workflows/"+d.Workflow.ID+"/versions/"+d.Version.ID, "Draft saved.")
}

// setErrors attaches the form's own errors ("trigger.<field>",
// "<stepId>.<field>") to their fields.
func (d *builderData) setErrors(errs map[string]string) {
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		d.attach(k, errs[k])
	}
}

// attach shows one message next to its field and in the summary.
func (d *builderData) attach(key, msg string) {
	owner, field, _ := strings.Cut(key, ".")
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	if owner == "trigger" {
		if d.B.Trigger.Errors == nil {
			d.B.Trigger.Errors = map[string]string{}
		}
		d.B.Trigger.Errors[field] = msg
		d.Errors = append(d.Errors, builderError{Anchor: "t-" + orDefault(field, "type"), Text: msg})
		return
	}
	for i, s := range d.B.Steps {
		if s.ID == owner {
			if s.Errors == nil {
				s.Errors = map[string]string{}
			}
			s.Errors[field] = msg
			anchor := "step-" + s.ID
			if field != "" {
				anchor = "s" + strconv.Itoa(i) + "-" + field
			}
			d.Errors = append(d.Errors, builderError{Anchor: anchor, Text: msg})
			return
		}
	}
	d.Errors = append(d.Errors, builderError{Anchor: "steps", Text: msg})
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// showEngineError puts a validation error of the engine next to the field
// it names: "trigger.settings.<name>" or "steps.<stepId>.settings.input.<name>".
func (d *builderData) showEngineError(err error) bool {
	e, ok := crm.AsError(err)
	if !ok || e.Cause != crm.ErrInvalid {
		return false
	}
	d.attach(engineField(d.B, e.Field), e.Message)
	return true
}

// triggerFields maps trigger settings to the trigger form's fields.
var triggerFields = map[string]string{
	"fields": "fields", "filter": "filter", "daysBefore": "daysBefore", "type": "cronType", "schedule": "minute",
	"pattern": "pattern", "timeZone": "timeZone", "objectType": "objectType", "authentication": "auth",
}

// inputFields maps step inputs to the step forms' fields.
var inputFields = map[string]string{
	"objectName": "object", "objectRecordId": "recordId", "objectRecord": "record", "fieldsToUpdate": "record", "filter": "filter",
	"orderBy": "orderField", "limit": "limit", "to": "to", "cc": "cc", "subject": "subject", "replyTo": "replyTo", "url": "url",
	"method": "method", "headers": "headers", "stepFilterGroups": "conditions", "stepFilters": "conditions", "branches": "conditions",
	"items": "items", "initialLoopStepIds": "items", "delayType": "delayType", "duration": "duration", "scheduledDateTime": "scheduledAt",
}

// engineField turns the engine's field path into the form's error key.
func engineField(b *builder, path string) string {
	path = strings.ReplaceAll(path, "[", ".")
	switch {
	case path == "trigger" || path == "trigger.type":
		return "trigger.type"
	case strings.HasPrefix(path, "trigger.settings."):
		name, rest, _ := strings.Cut(strings.TrimPrefix(path, "trigger.settings."), ".")
		if name == "eventName" {
			if b.Trigger.Type == workflow.TriggerWhopEvent {
				return "trigger.whopEvent"
			}
			return "trigger.event"
		}
		if name == "schedule" {
			sub, _, _ := strings.Cut(rest, ".")
			return "trigger." + orDefault(sub, "minute")
		}
		if f, ok := triggerFields[name]; ok {
			return "trigger." + f
		}
		return "trigger.type"
	case strings.HasPrefix(path, "steps."):
		rest := strings.TrimPrefix(path, "steps.")
		for _, s := range b.Steps {
			if rest == s.ID || strings.HasPrefix(rest, s.ID+".") {
				field := strings.TrimPrefix(strings.TrimPrefix(rest, s.ID), ".")
				if !strings.HasPrefix(field, "settings.input.") {
					return s.ID + "."
				}
				name, _, _ := strings.Cut(strings.TrimPrefix(field, "settings.input."), ".")
				if name == "body" {
					if s.Type == "HTTP_REQUEST" {
						return s.ID + ".httpBody"
					}
					return s.ID + ".body"
				}
				return s.ID + "." + inputFields[name]
			}
		}
	}
	return "steps."
}
