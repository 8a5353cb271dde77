package contracts

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/roster-crm/roster/internal/crm"
)

// Limits of a template.
const (
	MaxTemplateName   = 200
	MaxTemplateBody   = 200_000
	MaxSignerRoles    = 10
	MaxTemplateFields = 100
)

// TemplateInput is what createContractTemplate and updateContractTemplate
// take. On update a nil slice leaves the roles or fields as they are.
type TemplateInput struct {
	Name        *string
	Body        *string
	SignerRoles []SignerRole
	Fields      []Field
}

// Templates returns the workspace's templates at their current versions.
func (s *Service) Templates(ctx context.Context, workspaceID string) ([]*Template, error) {
	return s.cfg.Store.ContractTemplateList(ctx, workspaceID)
}

// Template returns a template at version (0: current).
func (s *Service) Template(ctx context.Context, workspaceID, id string, version int) (*Template, error) {
	return s.cfg.Store.ContractTemplateGet(ctx, nil, workspaceID, id, version)
}

// CreateTemplate makes version 1 of a new template.
func (s *Service) CreateTemplate(ctx context.Context, workspaceID string, in TemplateInput) (*Template, error) {
	now := s.now()
	t := &Template{ID: crm.NewID(), WorkspaceID: workspaceID, Version: 1, CreatedAt: now, UpdatedAt: now}
	if in.Name == nil || in.Body == nil {
		field := "name"
		if in.Name != nil {
			field = "body"
		}
		return nil, crm.Invalid(field, crm.CodeRequired, "is required")
	}
	if err := apply(t, in); err != nil {
		return nil, err
	}
	if err := s.cfg.Store.InTx(ctx, func(tx *sql.Tx) error { return s.cfg.Store.ContractTemplateSave(ctx, tx, t) }); err != nil {
		return nil, err
	}
	return t, nil
}

// UpdateTemplate changes a template. A version a contract was sent from is
// never changed: saving it makes the next version, so every sent contract
// keeps pointing at the text it was made from.
func (s *Service) UpdateTemplate(ctx context.Context, workspaceID, id string, in TemplateInput) (*Template, error) {
	var out *Template
	err := s.cfg.Store.InTx(ctx, func(tx *sql.Tx) error {
		t, err := s.cfg.Store.ContractTemplateGet(ctx, tx, workspaceID, id, 0)
		if err != nil {
			return err
		}
		if err := apply(t, in); err != nil {
			return err
		}
		if t.Used {
			t.Version++
			t.Used = false
		}
		t.UpdatedAt = s.now()
		out = t
		return s.cfg.Store.ContractTemplateSave(ctx, tx, t)
	})
	return out, err
}

// apply validates in and writes it into t; on error t may be half changed
// and must not be saved.
func apply(t *Template, in TemplateInput) error {
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		if name == "" {
			return crm.Invalid("name", crm.CodeRequired, "is required")
		}
		if utf8.RuneCountInString(name) > MaxTemplateName {
			return crm.Invalid("name", crm.CodeInvalidValue, "must be at most %d characters", MaxTemplateName)
		}
		t.Name = name
	}
	if in.Body != nil {
		if strings.TrimSpace(*in.Body) == "" {
			return crm.Invalid("body", crm.CodeRequired, "is required")
		}
		if len(*in.Body) > MaxTemplateBody || !utf8.ValidString(*in.Body) {
			return crm.Invalid("body", crm.CodeInvalidValue, "must be valid UTF-8 of at most %d bytes", MaxTemplateBody)
		}
		if err := checkMergeFields(*in.Body); err != nil {
			return err
		}
		t.Body = *in.Body
	}
	if in.SignerRoles != nil {
		t.SignerRoles = in.SignerRoles
	}
	if in.Fields != nil {
		t.Fields = in.Fields
	}
	return checkRolesAndFields(t)
}

func checkRolesAndFields(t *Template) error {
	if len(t.SignerRoles) == 0 {
		return crm.Invalid("signerRoles", crm.CodeRequired, "at least one signer role is required")
	}
	if len(t.SignerRoles) > MaxSignerRoles {
		return crm.Invalid("signerRoles", crm.CodeInvalidValue, "at most %d signer roles", MaxSignerRoles)
	}
	roles := map[string]bool{}
	for i, r := range t.SignerRoles {
		name := strings.TrimSpace(r.Role)
		switch {
		case name == "" || utf8.RuneCountInString(name) > 100:
			return crm.Invalid(fmt.Sprintf("signerRoles[%d].role", i), crm.CodeRequired, "a role needs a name of at most 100 characters")
		case roles[name]:
			return crm.Invalid(fmt.Sprintf("signerRoles[%d].role", i), crm.CodeDuplicate, "role %q appears twice", name)
		case r.Order < 1 || r.Order > 100:
			return crm.Invalid(fmt.Sprintf("signerRoles[%d].order", i), crm.CodeInvalidValue, "order must be from 1 to 100")
		}
		roles[name] = true
		t.SignerRoles[i].Role = name
	}
	if len(t.Fields) > MaxTemplateFields {
		return crm.Invalid("fields", crm.CodeInvalidValue, "at most %d fields", MaxTemplateFields)
	}
	ids := map[string]bool{}
	hasSignature := map[string]bool{}
	for i, f := range t.Fields {
		path := fmt.Sprintf("fields[%d]", i)
		if f.ID == "" {
			f.ID = fmt.Sprintf("f%d", i+1)
		}
		switch {
		case !roles[f.Role]:
			return crm.Invalid(path+".role", crm.CodeInvalidValue, "role %q is not one of the signer roles", f.Role)
		case !slices.Contains(FieldTypes, f.Type):
			return crm.Invalid(path+".type", crm.CodeInvalidEnum, "type %q is not one of %s", f.Type, strings.Join(FieldTypes, ", "))
		case ids[f.ID]:
			return crm.Invalid(path+".id", crm.CodeDuplicate, "field id %q appears twice", f.ID)
		case len(f.ID) > 64 || strings.ContainsAny(f.ID, " \t\r\n\"'<>&"):
			return crm.Invalid(path+".id", crm.CodeInvalidValue, "field id must be at most 64 characters without spaces or quotes")
		case utf8.RuneCountInString(f.Label) > 200:
			return crm.Invalid(path+".label", crm.CodeInvalidValue, "must be at most 200 characters")
		}
		if f.Label == "" {
			f.Label = defaultLabel(f.Type)
		}
		ids[f.ID] = true
		if f.Type == FieldSignature {
			hasSignature[f.Role] = true
		}
		t.Fields[i] = f
	}
	// A role without a signature field gets one: signing means signing.
	for _, r := range t.SignerRoles {
		if !hasSignature[r.Role] {
			t.Fields = append(t.Fields, Field{ID: "signature-" + slug(r.Role), Role: r.Role, Type: FieldSignature, Label: "Signature", Required: true})
		}
	}
	return nil
}

func defaultLabel(typ string) string {
	switch typ {
	case FieldSignature:
		return "Signature"
	case FieldInitials:
		return "Initials"
	case FieldDateSigned:
		return "Date signed"
	case FieldCheckbox:
		return "I agree"
	}
	return "Text"
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else if b.Len() > 0 {
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}
