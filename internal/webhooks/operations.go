package webhooks

import (
	"slices"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
)

// MaxOperations bounds a webhook's operation list.
const MaxOperations = 50

// eventKinds are the kinds a webhook can subscribe to: every kind the
// records service emits.
var eventKinds = []string{crm.EventCreated, crm.EventUpdated, crm.EventDeleted, crm.EventRestored, crm.EventDestroyed}

// EventType is the type of an event as webhooks name it: "person.created".
func EventType(e crm.Event) string { return string(e.Object) + "." + e.Kind }

// normalizeOperations checks a webhook's operations and returns them
// trimmed, lower-cased and without duplicates. An operation is
// "<object>.<kind>" where either part may be "*": "person.created",
// "*.updated", "person.*", "*.*".
func normalizeOperations(ops []string) ([]string, error) {
	if len(ops) == 0 {
		return nil, crm.Invalid("operations", crm.CodeRequired, "at least one operation is required, e.g. \"person.created\", \"*.updated\" or \"*.*\"")
	}
	if len(ops) > MaxOperations {
		return nil, crm.Invalid("operations", crm.CodeInvalidValue, "at most %d operations", MaxOperations)
	}
	out := make([]string, 0, len(ops))
	for _, op := range ops {
		op = strings.ToLower(strings.TrimSpace(op))
		object, kind, ok := strings.Cut(op, ".")
		if !ok {
			return nil, crm.Invalid("operations", crm.CodeInvalidValue, "%q is not <object>.<event> (e.g. \"person.created\", \"*.updated\")", op)
		}
		if object != "*" && !isObject(object) {
			return nil, crm.Invalid("operations", crm.CodeInvalidValue, "%q: unknown object %q (one of %s, or *)", op, object, objectNames())
		}
		if kind != "*" && !slices.Contains(eventKinds, kind) {
			return nil, crm.Invalid("operations", crm.CodeInvalidValue, "%q: unknown event %q (one of %s, or *)", op, kind, strings.Join(eventKinds, ", "))
		}
		if !slices.Contains(out, op) {
			out = append(out, op)
		}
	}
	return out, nil
}

// isObject reports whether name is a standard object's singular name, the
// name events carry ("person", not "people").
func isObject(name string) bool {
	for _, o := range crm.Objects() {
		if string(o.Name) == name {
			return true
		}
	}
	return false
}

func objectNames() string {
	var names []string
	for _, o := range crm.Objects() {
		names = append(names, string(o.Name))
	}
	return strings.Join(names, ", ")
}

// Matches reports whether an event of type eventType ("person.updated") is
// one the operations subscribe to.
func Matches(operations []string, eventType string) bool {
	object, kind, _ := strings.Cut(eventType, ".")
	for _, op := range operations {
		o, k, _ := strings.Cut(op, ".")
		if (o == "*" || o == object) && (k == "*" || k == kind) {
			return true
		}
	}
	return false
}
