package crm

import (
	"sort"
	"strings"
	"time"
)

// Kind is the storage and validation type of a standard field. Each kind
// fixes the Go type its accessor points at, noted beside it.
type Kind int

// Field kinds.
const (
	KindText       Kind = iota // *string, never NULL ("" when empty)
	KindNullText               // **string, NULL when absent (external IDs)
	KindEmail                  // *string, validated and lower-cased
	KindEnum                   // *string, one of Field.Options
	KindUUID                   // **string, a reference to another record
	KindInt                    // **int64
	KindFloat                  // *float64 or **float64
	KindBool                   // *bool
	KindDateTime               // *time.Time or **time.Time
	KindStringList             // *[]string, stored as a JSON array
	KindJSON                   // *[]any, stored as a JSON array
)

// Field describes one standard field: its API path (sub-fields of composites
// are dotted: "name.firstName"), its column, and how to reach its value in a
// record. Fields are declared once per object and drive storage, validation,
// filtering, ordering and the REST/OpenAPI shapes.
type Field struct {
	Name     string
	Column   string
	Kind     Kind
	Options  []string   // allowed values for KindEnum
	Ref      ObjectName // referenced object for KindUUID
	ReadOnly bool       // set by the system only
	Hidden   bool       // internal to Roster: never shown by the APIs
	Nullable bool       // accepts null from clients
	// NotNull is true when the column can never hold NULL (its Go value is
	// not a pointer), so orderings need no NULLS FIRST/LAST and can use
	// plain indexes.
	NotNull bool
	ptr     func(Record) any
	// normalize checks and canonicalises a text value (currency codes).
	normalize func(string) (string, error)
}

// Ptr returns a pointer to the field's value inside r (see Kind for its type).
func (f *Field) Ptr(r Record) any { return f.ptr(r) }

// Group is the composite a sub-field belongs to ("name" for "name.firstName"),
// or "" for a plain field.
func (f *Field) Group() string {
	if i := strings.IndexByte(f.Name, '.'); i >= 0 {
		return f.Name[:i]
	}
	return ""
}

// Sub is the sub-field name of a composite sub-field, or the whole name.
func (f *Field) Sub() string {
	if i := strings.IndexByte(f.Name, '.'); i >= 0 {
		return f.Name[i+1:]
	}
	return f.Name
}

// Object describes one record type and its table.
type Object struct {
	Name       ObjectName
	Plural     string // "people"
	Label      string // "Person"
	Table      string
	Fields     []*Field
	Custom     bool          // accepts custom fields
	New        func() Record // a zero record of this type
	byName     map[string]*Field
	groups     map[string][]*Field
	Searchable []string // field names searched by the quick search
	// Relations are filter keys that reach linked records of another
	// object (people's whopMembership).
	Relations []*Relation
}

func newObject(o *Object) *Object {
	o.Fields = append(baseFields(), o.Fields...)
	o.byName = make(map[string]*Field, len(o.Fields))
	o.groups = map[string][]*Field{}
	probe := o.New()
	for _, f := range o.Fields {
		switch f.Ptr(probe).(type) {
		case *string, *bool, *float64, *time.Time:
			f.NotNull = true
		}
		o.byName[f.Name] = f
		if g := f.Group(); g != "" {
			o.groups[g] = append(o.groups[g], f)
		}
	}
	return o
}

// Field returns the standard field with the API path name.
func (o *Object) Field(name string) (*Field, bool) {
	f, ok := o.byName[name]
	return f, ok
}

// Composite returns the sub-fields of a composite field ("name"), or nil.
func (o *Object) Composite(group string) []*Field { return o.groups[group] }

// Composites lists the names of the object's composite fields, sorted.
func (o *Object) Composites() []string {
	out := make([]string, 0, len(o.groups))
	for g := range o.groups {
		out = append(out, g)
	}
	sort.Strings(out)
	return out
}

// Columns lists the object's columns in field order.
func (o *Object) Columns() []string {
	cols := make([]string, len(o.Fields))
	for i, f := range o.Fields {
		cols[i] = f.Column
	}
	return cols
}

func field[T Record](name, column string, kind Kind, ptr func(T) any) *Field {
	return &Field{Name: name, Column: column, Kind: kind, ptr: func(r Record) any { return ptr(r.(T)) }}
}

func (f *Field) options(o ...string) *Field { f.Options = o; return f }
func (f *Field) ref(o ObjectName) *Field    { f.Ref = o; f.Nullable = true; return f }
func (f *Field) readOnly() *Field           { f.ReadOnly = true; return f }
func (f *Field) hidden() *Field             { f.Hidden = true; f.ReadOnly = true; return f }
func (f *Field) nullable() *Field           { f.Nullable = true; return f }

// currency makes a text field a currency code, checked by NormalizeCurrencyCode.
func (f *Field) currency() *Field { f.normalize = NormalizeCurrencyCode; return f }

func baseFields() []*Field {
	m := func(name, column string, kind Kind, ptr func(*RecordMeta) any) *Field {
		return &Field{Name: name, Column: column, Kind: kind, ptr: func(r Record) any { return ptr(r.Meta()) }}
	}
	return []*Field{
		m("id", "id", KindText, func(r *RecordMeta) any { return &r.ID }).readOnly(),
		m("createdAt", "created_at", KindDateTime, func(r *RecordMeta) any { return &r.CreatedAt }).readOnly(),
		m("updatedAt", "updated_at", KindDateTime, func(r *RecordMeta) any { return &r.UpdatedAt }).readOnly(),
		m("deletedAt", "deleted_at", KindDateTime, func(r *RecordMeta) any { return &r.DeletedAt }).readOnly(),
		m("position", "position", KindFloat, func(r *RecordMeta) any { return &r.Position }),
		m("createdBy.source", "created_by_source", KindText, func(r *RecordMeta) any { return &r.CreatedBy.Source }).readOnly(),
		m("createdBy.workspaceMemberId", "created_by_workspace_member_id", KindNullText, func(r *RecordMeta) any { return &r.CreatedBy.WorkspaceMemberID }).readOnly(),
		m("createdBy.name", "created_by_name", KindText, func(r *RecordMeta) any { return &r.CreatedBy.Name }).readOnly(),
	}
}

// Objects lists the standard objects in a stable order.
func Objects() []*Object {
	return []*Object{PersonObject, CompanyObject, OpportunityObject, NoteObject, TaskObject}
}

// ObjectByName finds a standard object by singular name, plural name or
// table name.
func ObjectByName(name string) (*Object, bool) {
	for _, o := range Objects() {
		if string(o.Name) == name || o.Plural == name || o.Table == name {
			return o, true
		}
	}
	return nil, false
}
