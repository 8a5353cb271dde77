package web

import (
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
)

// fieldsObjectGroup is one object's custom fields on the settings page.
type fieldsObjectGroup struct {
	Object *crm.Object
	Fields []*crm.FieldDefinition
}

type fieldsData struct {
	Groups  []fieldsObjectGroup
	Objects []*crm.Object
	Types   []crm.FieldType
	Form    fieldsForm
	Errors  map[string]string
}

type fieldsForm struct {
	Object, Name, Label, Type, Options string
}

// fieldsPage lists custom fields per object and the form to add one
// (admins).
func (u *UI) fieldsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := u.fieldsData(r)
	if err != nil {
		return err
	}
	d.Form = fieldsForm{Object: string(crm.ObjectPerson), Type: string(crm.TypeText)}
	return u.render(w, r, "fields", "Custom fields · Settings", d)
}

func (u *UI) fieldsData(r *http.Request) (*fieldsData, error) {
	defs, err := u.cfg.Records.Fields(r.Context(), auth.PrincipalFrom(r.Context()).WorkspaceID, "")
	if err != nil {
		return nil, err
	}
	d := &fieldsData{Types: crm.FieldTypes, Errors: map[string]string{}}
	for _, o := range crm.Objects() {
		if !o.Custom {
			continue
		}
		d.Objects = append(d.Objects, o)
		g := fieldsObjectGroup{Object: o}
		for _, f := range defs {
			if f.Object == o.Name {
				g.Fields = append(g.Fields, f)
			}
		}
		d.Groups = append(d.Groups, g)
	}
	return d, nil
}

// fieldsParseOptions reads options written one per line as "VALUE|Label"
// (the label may be left out).
func fieldsParseOptions(text string) []crm.FieldOption {
	var out []crm.FieldOption
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		value, label, _ := strings.Cut(line, "|")
		out = append(out, crm.FieldOption{Value: strings.TrimSpace(value), Label: strings.TrimSpace(label)})
	}
	return out
}

// fieldCreate adds a custom field (admins); crm's validation messages land
// on the inputs they are about.
func (u *UI) fieldCreate(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	f := fieldsForm{Object: r.PostFormValue("object"), Name: strings.TrimSpace(r.PostFormValue("name")), Label: strings.TrimSpace(r.PostFormValue("label")),
		Type: r.PostFormValue("type"), Options: r.PostFormValue("options")}
	def := crm.FieldDefinition{Object: crm.ObjectName(f.Object), Name: f.Name, Label: f.Label, Type: crm.FieldType(f.Type), Options: fieldsParseOptions(f.Options)}
	created, err := u.cfg.Records.CreateField(r.Context(), p.WorkspaceID, def)
	if err != nil {
		errs, ok := settingsFormErrors(err, map[string]string{"object": "object", "name": "name", "label": "label", "type": "type", "options": "options"}, "name")
		if !ok {
			return err
		}
		d, derr := u.fieldsData(r)
		if derr != nil {
			return derr
		}
		d.Form, d.Errors = f, errs
		w.WriteHeader(http.StatusBadRequest)
		return u.render(w, r, "fields", "Custom fields · Settings", d)
	}
	return u.redirect(w, r, "/settings/fields", "Field "+created.Label+" added.")
}

// fieldDeleteConfirm asks before deleting a field and all its values.
func (u *UI) fieldDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	f, err := u.findField(r)
	if err != nil {
		return err
	}
	return u.render(w, r, "field_delete", "Delete field · Settings", f)
}

func (u *UI) findField(r *http.Request) (*crm.FieldDefinition, error) {
	defs, err := u.cfg.Records.Fields(r.Context(), auth.PrincipalFrom(r.Context()).WorkspaceID, "")
	if err != nil {
		return nil, err
	}
	for _, f := range defs {
		if f.ID == r.PathValue("id") {
			return f, nil
		}
	}
	return nil, settingsNotFound("field")
}

// fieldDelete removes a field and its values from every record (admins).
func (u *UI) fieldDelete(w http.ResponseWriter, r *http.Request) error {
	f, err := u.cfg.Records.DeleteField(r.Context(), auth.PrincipalFrom(r.Context()).WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.redirect(w, r, "/settings/fields", "Field "+f.Label+" deleted.")
}
