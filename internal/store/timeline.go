package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
)

const timelineColumns = "id, happens_at, name, properties, record_object, record_id, linked_record_object, linked_record_id, actor_source, actor_workspace_member_id, actor_name"

// TimelineInsert appends activities inside the write that caused them.
func (s *Store) TimelineInsert(ctx context.Context, tx *sql.Tx, acts []*crm.TimelineActivity) error {
	const per = 12
	chunk := maxParams / per
	for start := 0; start < len(acts); start += chunk {
		part := acts[start:min(start+chunk, len(acts))]
		var sb strings.Builder
		sb.WriteString("INSERT INTO timeline_activities (workspace_id, " + timelineColumns + ") VALUES ")
		args := make([]any, 0, len(part)*per)
		for i, a := range part {
			props, err := json.Marshal(a.Properties)
			if err != nil {
				return fmt.Errorf("store: encode timeline properties: %w", err)
			}
			if a.Properties == nil {
				props = []byte("{}")
			}
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(" + placeholders(len(args)+1, per) + ")")
			args = append(args, a.WorkspaceID, a.ID, s.Dialect.Time(a.HappensAt), a.Name, string(props),
				string(a.RecordObject), a.RecordID, string(a.LinkedRecordObject), a.LinkedRecordID,
				a.Actor.Source, a.Actor.WorkspaceMemberID, a.Actor.Name)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("store: insert timeline: %w", err)
		}
	}
	return nil
}

// TimelineListParams select a record's timeline, newest first.
type TimelineListParams struct {
	WorkspaceID  string
	RecordObject crm.ObjectName
	RecordID     string
	// Before pages back in time: only activities older than this one's ID.
	Before string
	Limit  int
}

// TimelineList returns the activities of a record and those linked to it.
func (s *Store) TimelineList(ctx context.Context, p *TimelineListParams) ([]*crm.TimelineActivity, error) {
	limit, err := crm.PageSize("first", p.Limit)
	if err != nil {
		return nil, err
	}
	args := []any{p.WorkspaceID, string(p.RecordObject), p.RecordID}
	q := "SELECT " + timelineColumns + " FROM timeline_activities WHERE workspace_id = $1 AND ((record_object = $2 AND record_id = $3) OR linked_record_id = $3)"
	if p.Before != "" {
		args = append(args, p.Before)
		q += fmt.Sprintf(" AND id < $%d", len(args))
	}
	q += fmt.Sprintf(" ORDER BY happens_at DESC, id DESC LIMIT %d", limit)
	return queryList(ctx, s.Read, "list timeline", func(sc rowScanner) (*crm.TimelineActivity, error) {
		a := &crm.TimelineActivity{WorkspaceID: p.WorkspaceID}
		var obj, linked string
		if err := sc.Scan(&a.ID, TimeScanner{&a.HappensAt}, &a.Name, jsonScanner{&a.Properties}, &obj, &a.RecordID,
			&linked, &a.LinkedRecordID, &a.Actor.Source, &a.Actor.WorkspaceMemberID, &a.Actor.Name); err != nil {
			return nil, err
		}
		a.RecordObject, a.LinkedRecordObject = crm.ObjectName(obj), crm.ObjectName(linked)
		return a, nil
	}, q, args...)
}
