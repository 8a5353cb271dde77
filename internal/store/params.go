package store

import (
	"strconv"
	"strings"
)

// placeholders is "$from, $from+1, ..." for n parameters: a VALUES row or
// an IN list.
func placeholders(from, n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('$')
		sb.WriteString(strconv.Itoa(from + i))
	}
	return sb.String()
}

// inWorkspace returns the arguments and the IN list for a query of the form
// "workspace_id = $1 AND col IN (<list>)".
func inWorkspace[T any](workspaceID string, vals []T) ([]any, string) {
	args := make([]any, 0, len(vals)+1)
	args = append(args, workspaceID)
	for _, v := range vals {
		args = append(args, v)
	}
	return args, placeholders(2, len(vals))
}

// bindList appends vals to args and returns their placeholders, or NULL for
// an empty list (so "x IN (NULL)" matches nothing).
func bindList(args *[]any, vals []string) string {
	if len(vals) == 0 {
		return "NULL"
	}
	from := len(*args) + 1
	for _, v := range vals {
		*args = append(*args, v)
	}
	return placeholders(from, len(vals))
}
