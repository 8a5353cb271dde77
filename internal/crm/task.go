package crm

import "time"

// TaskStatuses are the allowed task statuses.
var TaskStatuses = []string{"TODO", "IN_PROGRESS", "DONE"}

// Task is a to-do with a due date and an assignee, attached to records
// through TaskTargets.
type Task struct {
	RecordMeta
	Title      string     `json:"title"`
	BodyV2     RichText   `json:"bodyV2"`
	DueAt      *time.Time `json:"dueAt"`
	Status     string     `json:"status"`
	AssigneeID *string    `json:"assigneeId"`
}

// TaskObject describes tasks.
var TaskObject = newObject(&Object{
	Name: ObjectTask, Plural: "tasks", Label: "Task", Table: "tasks",
	New:        func() Record { return &Task{Status: "TODO"} },
	Searchable: []string{"title"},
	Fields: []*Field{
		field("title", "title", KindText, func(t *Task) any { return &t.Title }),
		field("bodyV2.markdown", "body_v2_markdown", KindText, func(t *Task) any { return &t.BodyV2.Markdown }),
		field("bodyV2.blocknote", "body_v2_blocknote", KindText, func(t *Task) any { return &t.BodyV2.Blocknote }),
		field("dueAt", "due_at", KindDateTime, func(t *Task) any { return &t.DueAt }).nullable(),
		field("status", "status", KindEnum, func(t *Task) any { return &t.Status }).options(TaskStatuses...),
		field("assigneeId", "assignee_id", KindNullText, func(t *Task) any { return &t.AssigneeID }).nullable(),
	},
})
