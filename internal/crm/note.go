package crm

// Note is free text attached to people, companies and opportunities through
// NoteTargets.
type Note struct {
	RecordMeta
	Title  string   `json:"title"`
	BodyV2 RichText `json:"bodyV2"`
}

// NoteObject describes notes.
var NoteObject = newObject(&Object{
	Name: ObjectNote, Plural: "notes", Label: "Note", Table: "notes",
	New:        func() Record { return &Note{} },
	Searchable: []string{"title"},
	Fields: []*Field{
		field("title", "title", KindText, func(n *Note) any { return &n.Title }),
		field("bodyV2.markdown", "body_v2_markdown", KindText, func(n *Note) any { return &n.BodyV2.Markdown }),
		field("bodyV2.blocknote", "body_v2_blocknote", KindText, func(n *Note) any { return &n.BodyV2.Blocknote }),
	},
})
