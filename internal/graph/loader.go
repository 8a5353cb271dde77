package graph

import (
	"context"
	"sync"

	"github.com/roster-crm/roster/internal/crm"
)

// loader is a per-request cache of records fetched for relation fields
// (person.company, opportunity.pointOfContact...). List resolvers prime it
// with one GetMany for a whole page, so a page of 60 people costs one query
// for their companies instead of 60. Mutations reset it, so a read after a
// write in the same request sees the write.
type loader struct {
	mu   sync.Mutex
	recs map[crm.ObjectName]map[string]crm.Record // nil value: known to be missing
}

type loaderKey struct{}

func withLoader(ctx context.Context) context.Context {
	return context.WithValue(ctx, loaderKey{}, &loader{recs: map[crm.ObjectName]map[string]crm.Record{}})
}

func loaderFrom(ctx context.Context) *loader {
	if l, ok := ctx.Value(loaderKey{}).(*loader); ok {
		return l
	}
	return &loader{recs: map[crm.ObjectName]map[string]crm.Record{}}
}

func (l *loader) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.recs)
}

// missing returns the ids not in the cache yet.
func (l *loader) missing(o crm.ObjectName, ids []string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		if _, ok := l.recs[o][id]; !ok && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func (l *loader) store(o crm.ObjectName, ids []string, found map[string]crm.Record) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.recs[o] == nil {
		l.recs[o] = map[string]crm.Record{}
	}
	for _, id := range ids {
		l.recs[o][id] = found[id]
	}
}

func (l *loader) get(o crm.ObjectName, id string) crm.Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.recs[o][id]
}

// prime loads the records of o with the given ids that are not cached yet.
func (r *Resolver) prime(ctx context.Context, o *crm.Object, ids []string) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	l := loaderFrom(ctx)
	need := l.missing(o.Name, ids)
	if len(need) == 0 {
		return nil
	}
	found, err := r.records.GetMany(ctx, p.WorkspaceID, o, need)
	if err != nil {
		return err
	}
	l.store(o.Name, need, found)
	return nil
}

// related resolves a reference field to its live record, or nil when the
// reference is empty or points at a deleted record.
func related[T crm.Record](ctx context.Context, r *Resolver, o *crm.Object, id *string) (T, error) {
	var zero T
	if id == nil || *id == "" {
		return zero, nil
	}
	if err := r.prime(ctx, o, []string{*id}); err != nil {
		return zero, err
	}
	rec, ok := loaderFrom(ctx).get(o.Name, *id).(T)
	if !ok {
		return zero, nil
	}
	return rec, nil
}
