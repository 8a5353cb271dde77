package crm

import (
	"regexp"
	"time"
)

// FieldType is the type of a custom field, named as in Twenty.
type FieldType string

// Custom field types.
const (
	TypeText        FieldType = "TEXT"
	TypeNumber      FieldType = "NUMBER"
	TypeBoolean     FieldType = "BOOLEAN"
	TypeDateTime    FieldType = "DATE_TIME"
	TypeSelect      FieldType = "SELECT"
	TypeMultiSelect FieldType = "MULTI_SELECT"
	TypeCurrency    FieldType = "CURRENCY"
	TypeLinks       FieldType = "LINKS"
)

// FieldTypes lists the custom field types in display order.
var FieldTypes = []FieldType{TypeText, TypeNumber, TypeBoolean, TypeDateTime, TypeSelect, TypeMultiSelect, TypeCurrency, TypeLinks}

// FieldOption is one choice of a SELECT or MULTI_SELECT field.
type FieldOption struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Color string `json:"color,omitempty"`
}

// FieldDefinition is a custom field an admin added to an object. Values live
// in the record's CustomFields map under Name.
type FieldDefinition struct {
	ID          string        `json:"id"`
	WorkspaceID string        `json:"-"`
	Object      ObjectName    `json:"object"`
	Name        string        `json:"name"`
	Label       string        `json:"label"`
	Description string        `json:"description"`
	Type        FieldType     `json:"type"`
	Options     []FieldOption `json:"options"`
	CreatedAt   time.Time     `json:"createdAt"`
	UpdatedAt   time.Time     `json:"updatedAt"`
}

// CompositeSubs lists the sub-fields of composite custom field types.
func (d *FieldDefinition) CompositeSubs() []string {
	switch d.Type {
	case TypeCurrency:
		return []string{"amountMicros", "currencyCode"}
	case TypeLinks:
		return []string{"primaryLinkUrl", "primaryLinkLabel"}
	}
	return nil
}

func (d *FieldDefinition) hasOption(v string) bool {
	for _, o := range d.Options {
		if o.Value == v {
			return true
		}
	}
	return false
}

var fieldNameRE = regexp.MustCompile(`^[a-z][a-zA-Z0-9]{0,62}$`)
var optionValueRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_]{0,62}$`)

// ValidateDefinition checks a new or changed definition: a camelCase name not
// used by a standard field, a known type, and well-formed options for select
// types.
func ValidateDefinition(o *Object, d *FieldDefinition) error {
	if !o.Custom {
		return Invalid("object", CodeInvalidValue, "%s does not accept custom fields", o.Name)
	}
	if !fieldNameRE.MatchString(d.Name) {
		return Invalid("name", CodeInvalidValue, "name %q must be camelCase letters and digits, starting with a lower-case letter", d.Name)
	}
	if _, clash := o.Field(d.Name); clash || len(o.Composite(d.Name)) > 0 || d.Name == "customFields" || reservedFilterKeys[d.Name] {
		return Invalid("name", CodeDuplicate, "name %q is already a field of %s", d.Name, o.Name)
	}
	known := false
	for _, t := range FieldTypes {
		known = known || t == d.Type
	}
	if !known {
		return Invalid("type", CodeInvalidEnum, "type %q is not one of %v", d.Type, FieldTypes)
	}
	if d.Label == "" {
		d.Label = d.Name
	}
	switch d.Type {
	case TypeSelect, TypeMultiSelect:
		if len(d.Options) == 0 {
			return Invalid("options", CodeRequired, "a %s field needs at least one option", d.Type)
		}
		seen := map[string]bool{}
		for i := range d.Options {
			op := &d.Options[i]
			if !optionValueRE.MatchString(op.Value) {
				return Invalid("options", CodeInvalidValue, "option value %q must be UPPER_SNAKE_CASE", op.Value)
			}
			if seen[op.Value] {
				return Invalid("options", CodeDuplicate, "option value %q appears twice", op.Value)
			}
			seen[op.Value] = true
			if op.Label == "" {
				op.Label = op.Value
			}
		}
	default:
		if len(d.Options) > 0 {
			return Invalid("options", CodeInvalidValue, "only SELECT and MULTI_SELECT fields take options")
		}
	}
	return nil
}

var reservedFilterKeys = map[string]bool{"and": true, "or": true, "not": true}

// Schema is an object together with the custom fields a workspace defined on
// it: everything needed to validate input and compile filters.
type Schema struct {
	Object *Object
	Custom map[string]*FieldDefinition
}

// NewSchema combines an object with its custom field definitions.
func NewSchema(o *Object, defs []*FieldDefinition) *Schema {
	s := &Schema{Object: o, Custom: make(map[string]*FieldDefinition, len(defs))}
	for _, d := range defs {
		if d.Object == o.Name {
			s.Custom[d.Name] = d
		}
	}
	return s
}
