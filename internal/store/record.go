package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// Records are stored one table per object with one column per standard
// (sub-)field, as described by crm.Object, plus a JSON column of custom field
// values. These methods are generic over the object; the records service
// decides what to write and keeps the timeline.

// maxParams keeps multi-row statements under SQLite's and PostgreSQL's limits
// on bound parameters.
const maxParams = 30000

func (s *Store) selectList(o *crm.Object) string {
	cols := o.Columns()
	if o.Custom {
		cols = append(cols, "custom_fields")
	}
	return strings.Join(cols, ", ")
}

// scanTargets returns the Scan destinations for a row of o into r.
func scanTargets(o *crm.Object, r crm.Record) []any {
	dst := make([]any, 0, len(o.Fields)+1)
	for _, f := range o.Fields {
		switch p := f.Ptr(r).(type) {
		case *time.Time:
			dst = append(dst, TimeScanner{p})
		case **time.Time:
			dst = append(dst, NullTimeScanner{p})
		case *[]string, *[]any:
			dst = append(dst, jsonScanner{p})
		default:
			dst = append(dst, p)
		}
	}
	if o.Custom {
		dst = append(dst, jsonScanner{&r.Meta().CustomFields})
	}
	return dst
}

// args returns the values to bind for every column of r, in column order.
func (s *Store) args(o *crm.Object, r crm.Record) ([]any, error) {
	out := make([]any, 0, len(o.Fields)+1)
	for _, f := range o.Fields {
		a, err := s.arg(f, r)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if o.Custom {
		cf, err := customJSON(r)
		if err != nil {
			return nil, err
		}
		out = append(out, cf)
	}
	return out, nil
}

func (s *Store) arg(f *crm.Field, r crm.Record) (any, error) {
	v := f.Value(r)
	switch x := v.(type) {
	case time.Time:
		return s.Dialect.Time(x), nil
	case []string:
		if x == nil {
			return nil, nil
		}
		b, err := json.Marshal(x)
		return string(b), err
	case []any:
		if x == nil {
			return nil, nil
		}
		b, err := json.Marshal(x)
		return string(b), err
	}
	return v, nil
}

func customJSON(r crm.Record) (string, error) {
	cf := r.Meta().CustomFields
	if len(cf) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(cf)
	if err != nil {
		return "", fmt.Errorf("store: encode custom fields: %w", err)
	}
	return string(b), nil
}

// jsonScanner decodes a JSON column (TEXT on SQLite, JSONB on PostgreSQL).
type jsonScanner struct{ dst any }

func (j jsonScanner) Scan(v any) error {
	var b []byte
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		b = []byte(x)
	case []byte:
		b = x
	default:
		return fmt.Errorf("store: JSON column holds %T", v)
	}
	if len(b) == 0 {
		return nil
	}
	return json.Unmarshal(b, j.dst)
}

// RecordInsert inserts records of one object in as few statements as the
// parameter limits allow. Each record must carry its ID, workspace and
// timestamps.
func (s *Store) RecordInsert(ctx context.Context, tx *sql.Tx, o *crm.Object, recs []crm.Record) error {
	if len(recs) == 0 {
		return nil
	}
	cols := "workspace_id, " + s.selectList(o)
	per := len(o.Fields) + 1
	if o.Custom {
		per++
	}
	chunk := max(1, maxParams/per)
	for start := 0; start < len(recs); start += chunk {
		part := recs[start:min(start+chunk, len(recs))]
		var sb strings.Builder
		sb.WriteString("INSERT INTO " + o.Table + " (" + cols + ") VALUES ")
		args := make([]any, 0, len(part)*per)
		for i, r := range part {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteByte('(')
			a, err := s.args(o, r)
			if err != nil {
				return err
			}
			a = append([]any{r.Meta().WorkspaceID}, a...)
			sb.WriteString(placeholders(len(args)+1, len(a)) + ")")
			args = append(args, a...)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return s.recordError(o, "insert", err)
		}
	}
	return nil
}

// RecordUpdate writes the given standard columns (by field path), the custom
// fields, and updated_at of one record.
func (s *Store) RecordUpdate(ctx context.Context, tx *sql.Tx, o *crm.Object, r crm.Record, fields []string) error {
	m := r.Meta()
	var sets []string
	var args []any
	add := func(col string, v any) {
		args = append(args, v)
		sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
	}
	customChanged := false
	for _, name := range fields {
		f, ok := o.Field(name)
		if !ok {
			customChanged = true
			continue
		}
		v, err := s.arg(f, r)
		if err != nil {
			return err
		}
		add(f.Column, v)
	}
	if c, ok := r.(*crm.Company); ok {
		add("domain_key", c.DomainKey)
	}
	if customChanged && o.Custom {
		cf, err := customJSON(r)
		if err != nil {
			return err
		}
		add("custom_fields", cf)
	}
	add("updated_at", s.Dialect.Time(m.UpdatedAt))
	args = append(args, m.WorkspaceID, m.ID)
	q := fmt.Sprintf("UPDATE %s SET %s WHERE workspace_id = $%d AND id = $%d", o.Table, strings.Join(sets, ", "), len(args)-1, len(args))
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return s.recordError(o, "update", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return crm.NotFound(o.Name, m.ID)
	}
	return nil
}

// RecordSetDeleted soft-deletes (at != nil) or restores (at == nil) a record.
func (s *Store) RecordSetDeleted(ctx context.Context, tx *sql.Tx, o *crm.Object, workspaceID, id string, at *time.Time, now time.Time) error {
	res, err := tx.ExecContext(ctx, "UPDATE "+o.Table+" SET deleted_at = $1, updated_at = $2 WHERE workspace_id = $3 AND id = $4",
		s.Dialect.NullTime(at), s.Dialect.Time(now), workspaceID, id)
	if err != nil {
		return s.recordError(o, "delete", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return crm.NotFound(o.Name, id)
	}
	return nil
}

// RecordDestroy deletes a record for good; references to it are cleared and
// its note/task targets removed by the foreign keys.
func (s *Store) RecordDestroy(ctx context.Context, tx *sql.Tx, o *crm.Object, workspaceID, id string) error {
	res, err := tx.ExecContext(ctx, "DELETE FROM "+o.Table+" WHERE workspace_id = $1 AND id = $2", workspaceID, id)
	if err != nil {
		return s.recordError(o, "destroy", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return crm.NotFound(o.Name, id)
	}
	return nil
}

// RecordGetParams select one record.
type RecordGetParams struct {
	Object         *crm.Object
	WorkspaceID    string
	ID             string
	IncludeDeleted bool
}

// RecordGet returns one record of the workspace, or a crm.ErrNotFound error.
// Pass the transaction as q to read inside a write.
func (s *Store) RecordGet(ctx context.Context, q Querier, p *RecordGetParams) (crm.Record, error) {
	if q == nil {
		q = s.Read
	}
	sqlText := "SELECT " + s.selectList(p.Object) + " FROM " + p.Object.Table + " WHERE workspace_id = $1 AND id = $2"
	if !p.IncludeDeleted {
		sqlText += " AND deleted_at IS NULL"
	}
	r := p.Object.New()
	err := q.QueryRowContext(ctx, sqlText, p.WorkspaceID, p.ID).Scan(scanTargets(p.Object, r)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, crm.NotFound(p.Object.Name, p.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get %s: %w", p.Object.Name, err)
	}
	r.Meta().WorkspaceID = p.WorkspaceID
	return r, nil
}

// RecordFindParams look records up by the values of one column.
type RecordFindParams struct {
	Object      *crm.Object
	WorkspaceID string
	Column      string // a column of Object, chosen by the caller, never by a client
	Values      []any
	// IncludeDeleted also returns soft-deleted records.
	IncludeDeleted bool
}

// RecordFind returns the records whose Column is one of Values. Upserts use it
// to find existing people by email and companies by domain; the Whop sync uses
// it to find people by whopUserId.
func (s *Store) RecordFind(ctx context.Context, q Querier, p *RecordFindParams) ([]crm.Record, error) {
	if q == nil {
		q = s.Read
	}
	var out []crm.Record
	const batch = 500
	for start := 0; start < len(p.Values); start += batch {
		part := p.Values[start:min(start+batch, len(p.Values))]
		args, list := inWorkspace(p.WorkspaceID, part)
		sqlText := "SELECT " + s.selectList(p.Object) + " FROM " + p.Object.Table +
			" WHERE workspace_id = $1 AND " + p.Column + " IN (" + list + ")"
		if !p.IncludeDeleted {
			sqlText += " AND deleted_at IS NULL"
		}
		recs, err := s.queryRecords(ctx, q, p.Object, p.WorkspaceID, sqlText, args)
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
	}
	return out, nil
}

func (s *Store) queryRecords(ctx context.Context, q Querier, o *crm.Object, workspaceID, sqlText string, args []any) ([]crm.Record, error) {
	return queryList(ctx, q, "query "+o.Plural, func(sc rowScanner) (crm.Record, error) {
		r := o.New()
		if err := sc.Scan(scanTargets(o, r)...); err != nil {
			return nil, err
		}
		r.Meta().WorkspaceID = workspaceID
		return r, nil
	}, sqlText, args...)
}

// uniqueFields maps the unique indexes of each table to the API field that a
// duplicate value violates, so a conflict error can name it.
var uniqueFields = map[string]string{
	"people_email_uq":                  "emails.primaryEmail",
	"people.emails_primary_email":      "emails.primaryEmail",
	"people_whop_user_uq":              "whopUserId",
	"people.whop_user_id":              "whopUserId",
	"companies_domain_uq":              "domainName.primaryLinkUrl",
	"companies.domain_key":             "domainName.primaryLinkUrl",
	"opportunities_whop_membership_uq": "whopMembershipId",
	"opportunities.whop_membership_id": "whopMembershipId",
	"people_pkey":                      "id",
	"people.id":                        "id",
	"companies_pkey":                   "id",
	"companies.id":                     "id",
	"opportunities_pkey":               "id",
	"opportunities.id":                 "id",
	"notes_pkey":                       "id",
	"notes.id":                         "id",
	"tasks_pkey":                       "id",
	"tasks.id":                         "id",
}

// idUnavailable answers a create whose client-chosen id is taken. Ids are
// unique across all workspaces, so the record holding it may belong to
// another one: the answer must not say that it exists. The same answer is
// given when the id is one of the caller's own records, so nothing in it
// tells the two apart (documented in docs/api.md).
func idUnavailable(o *crm.Object) error {
	return crm.Invalid("id", crm.CodeInvalidValue, "this id cannot be used for a new %s: leave id out and Roster chooses one", o.Name)
}

// recordError turns constraint failures into client errors naming the field.
func (s *Store) recordError(o *crm.Object, op string, err error) error {
	if c, ok := IsUniqueViolation(err); ok {
		// PostgreSQL names the index; SQLite lists "table.column" pairs.
		field := ""
		for _, part := range strings.Split(c, ",") {
			if f, ok := uniqueFields[strings.TrimSpace(part)]; ok {
				field = f
			}
		}
		if field == "" || field == "id" {
			return idUnavailable(o)
		}
		return crm.Conflict(field, "another %s already has this %s", o.Name, field)
	}
	if IsForeignKeyViolation(err) {
		return crm.Invalid("", crm.CodeInvalidValue, "a referenced record does not exist")
	}
	return fmt.Errorf("store: %s %s: %w", op, o.Name, err)
}

// jsonText encodes v for a JSON column, using empty when v is nil.
func jsonText(v any, empty string) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("store: encode json: %w", err)
	}
	if string(b) == "null" {
		return empty, nil
	}
	return string(b), nil
}
