package records

import (
	"context"
	"database/sql"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// matcher finds the record an upsert input refers to. It indexes existing
// records by every natural key and learns the records created earlier in the
// same batch, so two inputs for one email become one record.
type matcher struct {
	keys   []upsertKey
	byKey  map[string]crm.Record // "field=value" -> record
	fresh  map[crm.Record]bool
	object *crm.Object
}

// upsertKey is a natural key: a field whose value identifies a record.
type upsertKey struct {
	field  string // API path in the input
	column string
	value  func(r crm.Record) string
}

func keysFor(o *crm.Object) []upsertKey {
	idKey := upsertKey{"id", "id", func(r crm.Record) string { return r.Meta().ID }}
	switch o.Name {
	case crm.ObjectPerson:
		return []upsertKey{idKey,
			{"whopUserId", "whop_user_id", func(r crm.Record) string { return deref(r.(*crm.Person).WhopUserID) }},
			{"emails.primaryEmail", "emails_primary_email", func(r crm.Record) string { return r.(*crm.Person).Emails.PrimaryEmail }},
		}
	case crm.ObjectCompany:
		return []upsertKey{idKey,
			{"domainName.primaryLinkUrl", "domain_key", func(r crm.Record) string { return r.(*crm.Company).DomainKey }},
		}
	case crm.ObjectOpportunity:
		return []upsertKey{idKey,
			{"whopMembershipId", "whop_membership_id", func(r crm.Record) string { return deref(r.(*crm.Opportunity).WhopMembershipID) }},
		}
	}
	return []upsertKey{idKey}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// match loads the existing records any input could refer to.
func (s *Service) match(ctx context.Context, tx *sql.Tx, p CreateParams, schema *crm.Schema) (*matcher, error) {
	m := &matcher{keys: keysFor(p.Object), byKey: map[string]crm.Record{}, fresh: map[crm.Record]bool{}, object: p.Object}
	for _, k := range m.keys {
		var vals []any
		for _, in := range p.Inputs {
			if v := m.inputKey(schema, in, k); v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			continue
		}
		recs, err := s.store.RecordFind(ctx, tx, &store.RecordFindParams{Object: p.Object, WorkspaceID: p.WorkspaceID, Column: k.column, Values: vals})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			m.index(r)
		}
	}
	return m, nil
}

// inputKey computes the key value an input carries, normalised the way the
// stored value is (lower-cased email, domain without scheme or www).
func (m *matcher) inputKey(schema *crm.Schema, in crm.Input, k upsertKey) string {
	probe := m.object.New()
	sub := crm.Input{}
	group, field, nested := cut(k.field)
	if nested {
		g, ok := in[group].(map[string]any)
		if !ok {
			return ""
		}
		v, ok := g[field]
		if !ok {
			return ""
		}
		sub[group] = map[string]any{field: v}
	} else {
		v, ok := in[k.field]
		if !ok {
			return ""
		}
		sub[k.field] = v
	}
	if _, err := schema.Apply(probe, sub, true); err != nil {
		return "" // invalid values are reported when the input itself is applied
	}
	return k.value(probe)
}

func cut(path string) (string, string, bool) {
	for i := 0; i < len(path); i++ {
		if path[i] == '.' {
			return path[:i], path[i+1:], true
		}
	}
	return path, "", false
}

func (m *matcher) index(r crm.Record) {
	for _, k := range m.keys {
		if v := k.value(r); v != "" {
			if _, taken := m.byKey[k.field+"="+v]; !taken {
				m.byKey[k.field+"="+v] = r
			}
		}
	}
}

// find returns the record in refers to, or nil. A nil matcher (no upsert)
// never matches.
func (m *matcher) find(in crm.Input) crm.Record {
	if m == nil {
		return nil
	}
	schema := crm.NewSchema(m.object, nil)
	for _, k := range m.keys {
		if v := m.inputKey(schema, in, k); v != "" {
			if r, ok := m.byKey[k.field+"="+v]; ok {
				return r
			}
		}
	}
	return nil
}

// add remembers a record created earlier in the batch.
func (m *matcher) add(r crm.Record) {
	if m == nil {
		return
	}
	m.fresh[r] = true
	m.index(r)
}

// isNew reports whether r was created in this batch (and so is inserted, not
// updated).
func (m *matcher) isNew(r crm.Record) bool { return m != nil && m.fresh[r] }
