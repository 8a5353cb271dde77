package rest

import (
	"reflect"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
)

// recordSchema describes a record as crm.RecordJSON renders it.
func recordSchema(s *crm.Schema) obj {
	return objectSchema(s, false)
}

// inputSchema describes a create or update body: the writable fields (and
// id, which a create may choose).
func inputSchema(s *crm.Schema) obj {
	return objectSchema(s, true)
}

func objectSchema(s *crm.Schema, input bool) obj {
	props := obj{}
	probe := s.Object.New()
	for _, f := range s.Object.Fields {
		if f.Hidden || (input && f.ReadOnly && f.Name != "id") {
			continue
		}
		fs := fieldSchema(f, probe)
		if input && f.Name == "id" {
			fs = obj{"type": "string", "format": "uuid", "description": "Optional on create: the new record's id"}
		} else if f.ReadOnly {
			fs["readOnly"] = true
		}
		g := f.Group()
		if g == "" {
			props[f.Name] = fs
			continue
		}
		group, _ := props[g].(obj)
		if group == nil {
			group = obj{"type": "object", "properties": obj{}}
			props[g] = group
		}
		group["properties"].(obj)[f.Sub()] = fs
	}
	for name, d := range s.Custom {
		props[name] = customSchema(d)
	}
	out := obj{"type": "object", "properties": props}
	if !input {
		out["required"] = []string{"id", "createdAt", "updatedAt"}
	}
	return out
}

// fieldSchema maps a standard field's kind to a JSON schema. A field whose
// value lives behind a double pointer (deletedAt, companyId) can be null in
// responses even when clients may not set it to null.
func fieldSchema(f *crm.Field, probe crm.Record) obj {
	var out obj
	switch f.Kind {
	case crm.KindText, crm.KindNullText:
		out = obj{"type": "string"}
	case crm.KindEmail:
		out = obj{"type": "string", "format": "email"}
	case crm.KindEnum:
		out = obj{"type": "string", "enum": f.Options}
	case crm.KindUUID:
		out = obj{"type": "string", "format": "uuid"}
		if f.Ref != "" {
			out["description"] = "ID of a " + string(f.Ref)
		}
	case crm.KindInt:
		out = obj{"type": "integer", "format": "int64"}
	case crm.KindFloat:
		out = obj{"type": "number", "format": "double"}
	case crm.KindBool:
		out = obj{"type": "boolean"}
	case crm.KindDateTime:
		out = obj{"type": "string", "format": "date-time"}
	case crm.KindStringList:
		items := obj{"type": "string"}
		if f.Sub() == "additionalEmails" {
			items["format"] = "email"
		}
		out = obj{"type": "array", "items": items}
	case crm.KindJSON:
		out = obj{"type": "array", "items": obj{"type": "object", "additionalProperties": true}}
	default:
		out = obj{}
	}
	if f.Name == "id" {
		out["format"] = "uuid"
	}
	if f.Nullable || reflect.TypeOf(f.Ptr(probe)).Elem().Kind() == reflect.Pointer {
		out["nullable"] = true
	}
	return out
}

// customSchema maps a custom field type to a JSON schema; custom values are
// always nullable (unset).
func customSchema(d *crm.FieldDefinition) obj {
	var out obj
	switch d.Type {
	case crm.TypeText:
		out = obj{"type": "string"}
	case crm.TypeNumber:
		out = obj{"type": "number", "format": "double"}
	case crm.TypeBoolean:
		out = obj{"type": "boolean"}
	case crm.TypeDateTime:
		out = obj{"type": "string", "format": "date-time"}
	case crm.TypeSelect:
		out = obj{"type": "string", "enum": optionValues(d)}
	case crm.TypeMultiSelect:
		out = obj{"type": "array", "items": obj{"type": "string", "enum": optionValues(d)}}
	case crm.TypeCurrency:
		out = obj{"type": "object", "properties": obj{
			"amountMicros": obj{"type": "integer", "format": "int64", "nullable": true, "description": "Amount x 1,000,000"},
			"currencyCode": obj{"type": "string", "description": "ISO 4217 code"},
		}}
	case crm.TypeLinks:
		out = obj{"type": "object", "properties": obj{
			"primaryLinkUrl":   obj{"type": "string"},
			"primaryLinkLabel": obj{"type": "string"},
		}}
	default:
		out = obj{}
	}
	out["nullable"] = true
	desc := "Custom field: " + d.Label
	if d.Description != "" {
		desc += ". " + d.Description
	}
	out["description"] = desc
	return out
}

func optionValues(d *crm.FieldDefinition) []string {
	out := make([]string, len(d.Options))
	for i, o := range d.Options {
		out[i] = o.Value
	}
	return out
}

func pageInfoSchema() obj {
	cursor := obj{"type": "string", "nullable": true}
	return obj{"type": "object", "required": []string{"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"}, "properties": obj{
		"hasNextPage":     obj{"type": "boolean"},
		"hasPreviousPage": obj{"type": "boolean"},
		"startCursor":     cursor,
		"endCursor":       cursor,
	}}
}

func errorSchema() obj {
	return obj{"type": "object", "required": []string{"error", "statusCode", "messages"}, "properties": obj{
		"error": obj{"type": "object", "required": []string{"code", "message"}, "properties": obj{
			"code": obj{"type": "string", "enum": []string{
				crm.CodeNotFound, crm.CodeUnknownField, crm.CodeInvalidType, crm.CodeInvalidEnum, crm.CodeInvalidValue,
				crm.CodeRequired, crm.CodeDuplicate, crm.CodeMalformedCursor, crm.CodeUnknownOperator,
				crm.CodeBodyTooLarge, crm.CodeForbidden, crm.CodeUnauthenticated, httpserver.CodeInternal,
			}},
			"message": obj{"type": "string"},
			"field":   obj{"type": "string", "description": "API path of the offending field or parameter"},
		}},
		"statusCode": obj{"type": "integer"},
		"messages":   obj{"type": "array", "items": obj{"type": "string"}},
	}}
}
