package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/crm"
)

// Rows the template editor offers for roles and fields.
const (
	templateRoleRows  = 3
	templateFieldRows = 8
)

// templateForm is the template editor.
type templateForm struct {
	ID          string
	Version     int
	Name        string
	Body        string
	Roles       []contracts.SignerRole
	Fields      []contracts.Field
	FieldTypes  []string
	MergeFields []string
	// Records are the opportunities the live preview can merge with.
	Records []previewRecord
	Preview []docBlock
	Error   string
}

type previewRecord struct{ ID, Name string }

// contractTemplates lists the templates.
func (u *UI) contractTemplates(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	list, err := u.cfg.Contracts.Templates(r.Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	return u.render(w, r, "contract_templates", "Contract templates", map[string]any{"Templates": list})
}

// contractTemplateEdit shows the editor for a new or an existing template.
func (u *UI) contractTemplateEdit(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	f := templateForm{Name: "", Body: "# Agreement\n\nThis agreement between Acme and {{person.name}} of {{company.name}} is made on {{today}}.\n\n- Fee: {{opportunity.amount}}\n",
		Roles: []contracts.SignerRole{{Role: "Client", Order: 1}}}
	if id := r.PathValue("id"); id != "" {
		t, err := u.cfg.Contracts.Template(r.Context(), p.WorkspaceID, id, 0)
		if err != nil {
			return err
		}
		f.ID, f.Version, f.Name, f.Body, f.Roles, f.Fields = t.ID, t.Version, t.Name, t.Body, t.SignerRoles, t.Fields
	}
	return u.renderTemplateForm(w, r, p, f)
}

func (u *UI) renderTemplateForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, f templateForm) error {
	var err error
	if f.MergeFields, err = u.cfg.Contracts.MergeFields(r.Context(), p.WorkspaceID); err != nil {
		return err
	}
	f.FieldTypes = contracts.FieldTypes
	for len(f.Roles) < templateRoleRows {
		f.Roles = append(f.Roles, contracts.SignerRole{})
	}
	for len(f.Fields) < templateFieldRows {
		f.Fields = append(f.Fields, contracts.Field{})
	}
	schema, err := u.cfg.Records.Schema(r.Context(), p.WorkspaceID, crm.OpportunityObject)
	if err != nil {
		return err
	}
	page, err := u.cfg.Records.List(r.Context(), p.WorkspaceID, schema, crm.ListParams{First: 20})
	if err != nil {
		return err
	}
	for _, rec := range page.Records {
		f.Records = append(f.Records, previewRecord{ID: rec.Meta().ID, Name: recordName(rec)})
	}
	if len(f.Records) > 0 {
		if doc, err := u.cfg.Contracts.PreviewText(r.Context(), p.WorkspaceID, f.Body, []string{f.Records[0].ID}); err == nil {
			f.Preview = pageBlocks(doc)
		}
	}
	title := "New contract template"
	if f.ID != "" {
		title = "Edit " + f.Name
	}
	return u.render(w, r, "contract_template", title, f)
}

// contractTemplateSave creates or updates a template from the editor.
func (u *UI) contractTemplateSave(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	f := templateForm{ID: r.PathValue("id"), Name: r.PostFormValue("name"), Body: r.PostFormValue("body")}
	for i := 0; i < templateRoleRows; i++ {
		n := strconv.Itoa(i)
		role := strings.TrimSpace(r.PostFormValue("role" + n))
		order, _ := strconv.Atoi(r.PostFormValue("role" + n + "Order"))
		if role != "" {
			f.Roles = append(f.Roles, contracts.SignerRole{Role: role, Order: order})
		}
	}
	for i := 0; i < templateFieldRows; i++ {
		n := strconv.Itoa(i)
		fl := contracts.Field{ID: strings.TrimSpace(r.PostFormValue("field" + n + "Id")), Role: strings.TrimSpace(r.PostFormValue("field" + n + "Role")),
			Type: r.PostFormValue("field" + n + "Type"), Label: strings.TrimSpace(r.PostFormValue("field" + n + "Label")),
			Required: r.PostFormValue("field"+n+"Required") == "yes"}
		if fl.Role != "" {
			f.Fields = append(f.Fields, fl)
		}
	}
	in := contracts.TemplateInput{Name: &f.Name, Body: &f.Body, SignerRoles: append([]contracts.SignerRole{}, f.Roles...), Fields: append([]contracts.Field{}, f.Fields...)}
	var t *contracts.Template
	var err error
	if f.ID == "" {
		t, err = u.cfg.Contracts.CreateTemplate(r.Context(), p.WorkspaceID, in)
	} else {
		t, err = u.cfg.Contracts.UpdateTemplate(r.Context(), p.WorkspaceID, f.ID, in)
	}
	if err != nil {
		if !isInvalid(err) {
			return err
		}
		f.Error = fieldMessage(err)
		w.WriteHeader(http.StatusUnprocessableEntity)
		return u.renderTemplateForm(w, r, p, f)
	}
	return u.redirect(w, r, "/contract-templates/"+url.PathEscape(t.ID), "Template saved (version "+strconv.Itoa(t.Version)+").")
}

// contractTemplatePreview answers the editor's live preview: the body
// merged with the chosen record, as the fragment the page shows.
func (u *UI) contractTemplatePreview(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	var blocks []docBlock
	msg := ""
	if id := r.PostFormValue("recordId"); id != "" {
		doc, err := u.cfg.Contracts.PreviewText(r.Context(), p.WorkspaceID, r.PostFormValue("body"), []string{id})
		if err != nil && !isInvalid(err) {
			return err
		}
		if err != nil {
			msg = errorMessage(err)
		}
		blocks = pageBlocks(doc)
	}
	return u.pages.renderFragment(w, "contract_template", "preview", map[string]any{"Preview": blocks, "Error": msg})
}
