package crm

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// TimelineActivity is one entry on a record's timeline: a create, update
// (with the changed fields), delete, restore, or an integration event such as
// "payment.succeeded".
type TimelineActivity struct {
	ID           string         `json:"id"`
	WorkspaceID  string         `json:"-"`
	HappensAt    time.Time      `json:"happensAt"`
	Name         string         `json:"name"`
	Properties   map[string]any `json:"properties"`
	RecordObject ObjectName     `json:"recordObject"`
	RecordID     string         `json:"recordId"`
	// LinkedRecord points at a second record the activity is about, e.g. the
	// note that was attached to a person.
	LinkedRecordObject ObjectName `json:"linkedRecordObject"`
	LinkedRecordID     *string    `json:"linkedRecordId"`
	Actor              Actor      `json:"actor"`
}

// Event kinds recorded on the timeline and carried by domain events.
const (
	EventCreated   = "created"
	EventUpdated   = "updated"
	EventDeleted   = "deleted"
	EventRestored  = "restored"
	EventDestroyed = "destroyed"
)

// Event is a committed change to a record. The records service emits one per
// record per write, in the same transaction as the write, so later consumers
// (workflows, outgoing webhooks) see exactly what was committed.
type Event struct {
	// ID identifies the event for its consumers' idempotency keys (one
	// workflow run, one webhook delivery per event). It is fixed when the
	// event is emitted and travels in the job's arguments, so every re-run of
	// the job sees the same ID. Events queued before IDs existed have none;
	// consumers fall back to Key.
	ID            string     `json:"id,omitempty"`
	WorkspaceID   string     `json:"workspaceId"`
	Object        ObjectName `json:"object"`
	RecordID      string     `json:"recordId"`
	Kind          string     `json:"kind"`
	UpdatedFields []string   `json:"updatedFields,omitempty"`
	Actor         Actor      `json:"actor"`
	At            time.Time  `json:"at"`
	// Changes holds each updated field's value before and after, keyed by
	// its API path: what the record was before the change, and what this
	// change wrote even if a later change overwrote it since.
	Changes Diff `json:"changes,omitempty"`
	// ChainDepth is the writer's Actor.ChainDepth (0 for people and
	// integrations): how many workflow runs led to this change.
	ChainDepth int `json:"chainDepth,omitempty"`
}

// Key is the event's identity for idempotency: its ID, or for an event
// without one, a digest of everything it carries (two distinct events of one
// record at the same microsecond with the same changes cannot be told apart,
// and need not be).
func (e Event) Key() string {
	if e.ID != "" {
		return e.ID
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s", e.WorkspaceID, e.Object, e.RecordID, e.Kind,
		strings.Join(e.UpdatedFields, ","), e.At.UTC().Format(time.RFC3339Nano))
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:32]
}

// TargetLink links a note or a task to a person, company or opportunity; exactly
// one of the three IDs is set.
type TargetLink struct {
	ID            string    `json:"id"`
	WorkspaceID   string    `json:"-"`
	ParentID      string    `json:"-"` // the note or task
	PersonID      *string   `json:"personId"`
	CompanyID     *string   `json:"companyId"`
	OpportunityID *string   `json:"opportunityId"`
	CreatedAt     time.Time `json:"createdAt"`
}
