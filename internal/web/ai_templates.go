package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/roster-crm/roster/internal/ai"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
)

// aiTemplatesData is Settings -> AI -> Templates: the list, and the editor
// of one template with a preview of what it would send for a person.
type aiTemplatesData struct {
	Templates []*ai.Template
	Form      ai.Template
	Actions   []string
	Variables []string
	People    []aiPersonChoice
	PersonID  string
	Goal      string
	Text      string
	Preview   *ai.Preview
	Cost      string
	Errors    map[string]string
}

type aiPersonChoice struct{ ID, Name string }

var aiTemplateFields = map[string]string{"name": "name", "action": "action", "system": "system", "user": "user", "model": "model",
	"temperature": "user", "maxTokens": "user", "recordId": "personId", "objectName": "personId", "variables": "user"}

// aiTemplatesPage lists the templates and edits one (?id=, a built-in ID
// to start a copy).
func (u *UI) aiTemplatesPage(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.aiService()
	if err != nil {
		return err
	}
	ws := auth.PrincipalFrom(r.Context()).WorkspaceID
	id := r.URL.Query().Get("id")
	if id == "" {
		id = "builtin:" + ai.ActionSummarizeNotes
	}
	t, err := svc.Template(r.Context(), ws, id, 0)
	if err != nil {
		return err
	}
	d, err := u.aiTemplatesData(r, *t)
	if err != nil {
		return err
	}
	return u.render(w, r, "ai_templates", "AI templates · Settings", d)
}

func (u *UI) aiTemplatesData(r *http.Request, form ai.Template) (*aiTemplatesData, error) {
	svc, _ := u.aiService()
	ctx := r.Context()
	ws := auth.PrincipalFrom(ctx).WorkspaceID
	ts, err := svc.Templates(ctx, ws)
	if err != nil {
		return nil, err
	}
	d := &aiTemplatesData{Templates: ts, Form: form, Actions: ai.ActionNames(), Variables: ai.Variables(form.Action), Errors: map[string]string{}}
	schema, err := u.cfg.Records.Schema(ctx, ws, crm.PersonObject)
	if err != nil {
		return nil, err
	}
	pg, err := u.cfg.Records.List(ctx, ws, schema, crm.ListParams{First: 50})
	if err != nil {
		return nil, err
	}
	for _, rec := range pg.Records {
		d.People = append(d.People, aiPersonChoice{ID: rec.Meta().ID, Name: recordName(rec)})
	}
	return d, nil
}

// aiTemplateSubmit previews the form (intent=preview: nothing is sent or
// saved) or saves it as a new version (intent=save).
func (u *UI) aiTemplateSubmit(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.aiService()
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	form := ai.Template{ID: r.PostFormValue("id"), Name: strings.TrimSpace(r.PostFormValue("name")), Action: r.PostFormValue("action"),
		System: r.PostFormValue("system"), User: r.PostFormValue("user"), Model: strings.TrimSpace(r.PostFormValue("model"))}
	if v := strings.TrimSpace(r.PostFormValue("maxTokens")); v != "" {
		form.MaxTokens, _ = strconv.Atoi(v)
	}
	d, err := u.aiTemplatesData(r, form)
	if err != nil {
		return err
	}
	d.PersonID, d.Goal, d.Text = r.PostFormValue("personId"), r.PostFormValue("goal"), r.PostFormValue("text")
	if r.PostFormValue("intent") == "save" {
		saved, err := svc.SaveTemplate(r.Context(), ai.SaveTemplateParams{WorkspaceID: p.WorkspaceID, UserID: p.UserID, Template: form})
		if err == nil {
			return u.redirect(w, r, "/settings/ai/templates?id="+saved.ID, "Template saved as version "+strconv.Itoa(saved.Version)+".")
		}
		errs, ok := settingsFormErrors(err, aiTemplateFields, "user")
		if !ok {
			return err
		}
		d.Errors = errs
		w.WriteHeader(http.StatusBadRequest)
		return u.render(w, r, "ai_templates", "AI templates · Settings", d)
	}
	pv, err := svc.Preview(r.Context(), p.WorkspaceID, ai.PreviewParams{Template: form, ObjectName: "person", RecordID: d.PersonID, Text: d.Text, Goal: d.Goal, Tone: "friendly"})
	if err != nil {
		errs, ok := settingsFormErrors(err, aiTemplateFields, "user")
		if !ok {
			return err
		}
		d.Errors = errs
		w.WriteHeader(http.StatusBadRequest)
		return u.render(w, r, "ai_templates", "AI templates · Settings", d)
	}
	d.Preview, d.Cost = pv, "no price for this model"
	if pv.CostMicros != nil {
		d.Cost = "at most " + ai.FormatMicros(*pv.CostMicros)
	}
	return u.render(w, r, "ai_templates", "AI templates · Settings", d)
}
