package crm

import (
	"testing"
	"time"
)

func TestEventKey(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 7, 0, 0, 0, 123000, time.UTC)
	base := Event{WorkspaceID: "w", Object: "person", RecordID: "r", Kind: EventUpdated, UpdatedFields: []string{"city"}, At: at}
	if got := (Event{ID: "e1"}).Key(); got != "e1" {
		t.Errorf("Key() with ID = %q; want e1", got)
	}
	if base.Key() != base.Key() {
		t.Errorf("Key() without ID is not stable: %q, %q", base.Key(), base.Key())
	}
	other := base
	other.UpdatedFields = []string{"jobTitle"}
	later := base
	later.At = at.Add(time.Microsecond)
	for _, e := range []Event{other, later} {
		if e.Key() == base.Key() {
			t.Errorf("Key() of %+v = Key() of %+v; want different keys for different events", e, base)
		}
	}
}
