package webhooks

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// DeliverArgs is the job that makes one attempt at a delivery; River retries
// it on RetrySchedule.
type DeliverArgs struct {
	WorkspaceID string `json:"workspaceId"`
	DeliveryID  string `json:"deliveryId"`
	// Redelivery is set (to a fresh ID) on an admin's redelivery: a job of
	// its own, one attempt, outside the retry schedule.
	Redelivery string `json:"redelivery,omitempty"`
}

// Kind implements river.JobArgs.
func (DeliverArgs) Kind() string { return "webhook_delivery" }

// Payload is the body of every delivery. Record is the record as the REST
// API renders it (for a destroyed record, only its id); UpdatedFields lists
// the changed fields of an update and is empty otherwise.
type Payload struct {
	Type        string      `json:"type"`
	Timestamp   string      `json:"timestamp"`
	WorkspaceID string      `json:"workspaceId"`
	Data        PayloadData `json:"data"`
}

// PayloadData is the "data" member of a Payload.
type PayloadData struct {
	Record        map[string]any `json:"record"`
	UpdatedFields []string       `json:"updatedFields"`
}

// Dispatch is the records.Bus subscriber: for each committed event and each
// enabled webhook of its workspace subscribed to it, it stores a delivery
// and enqueues its job in one transaction. It never sends anything itself.
// It is idempotent: a delivery is unique per (webhook, event), so running
// it again for the same events enqueues nothing new.
func (s *Service) Dispatch(ctx context.Context, events []crm.Event) error {
	var order []string
	byWS := map[string][]crm.Event{}
	for _, e := range events {
		if _, ok := byWS[e.WorkspaceID]; !ok {
			order = append(order, e.WorkspaceID)
		}
		byWS[e.WorkspaceID] = append(byWS[e.WorkspaceID], e)
	}
	for _, ws := range order {
		if err := s.dispatchWorkspace(ctx, ws, byWS[ws]); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) dispatchWorkspace(ctx context.Context, workspaceID string, events []crm.Event) error {
	hooks, err := s.store.WebhookList(ctx, &store.WebhookListParams{WorkspaceID: workspaceID, EnabledOnly: true})
	if err != nil || len(hooks) == 0 {
		return err
	}
	type match struct {
		event crm.Event
		hooks []*store.Webhook
	}
	var matches []match
	wanted := map[crm.ObjectName][]string{}
	for _, e := range events {
		var m []*store.Webhook
		for _, h := range hooks {
			if Matches(h.Operations, EventType(e)) {
				m = append(m, h)
			}
		}
		if len(m) > 0 {
			matches = append(matches, match{event: e, hooks: m})
			wanted[e.Object] = append(wanted[e.Object], e.RecordID)
		}
	}
	if len(matches) == 0 {
		return nil
	}
	recs, err := s.renderRecords(ctx, workspaceID, wanted)
	if err != nil {
		return err
	}
	now := s.now()
	var deliveries []*store.WebhookDelivery
	for _, m := range matches {
		body, err := payloadBody(m.event, recs[m.event.Object][m.event.RecordID])
		if err != nil {
			return err
		}
		for _, h := range m.hooks {
			deliveries = append(deliveries, &store.WebhookDelivery{
				ID: crm.NewID(), WorkspaceID: workspaceID, WebhookID: h.ID, EventKey: m.event.Key(), EventType: EventType(m.event),
				Body: string(body), Status: store.DeliveryPending, CreatedAt: now, UpdatedAt: now,
			})
		}
	}
	return s.store.InTx(ctx, func(tx *sql.Tx) error {
		for _, d := range deliveries {
			created, err := s.store.WebhookDeliveryCreate(ctx, tx, d)
			if err != nil {
				return err
			}
			if !created {
				continue // this event already went to this webhook
			}
			if err := s.cfg.Queue.InsertTx(ctx, tx, DeliverArgs{WorkspaceID: workspaceID, DeliveryID: d.ID}, deliverOpts()); err != nil {
				return fmt.Errorf("webhooks: enqueue delivery: %w", err)
			}
		}
		return nil
	})
}

// deliverOpts are the insert options of an automatic delivery: the retry
// budget, and uniqueness by arguments as a second guard against a double
// enqueue.
func deliverOpts() *river.InsertOpts {
	return &river.InsertOpts{MaxAttempts: MaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// renderRecords loads the records the events are about and renders each as
// the REST API does. A record that no longer exists (destroyed) is absent.
func (s *Service) renderRecords(ctx context.Context, workspaceID string, wanted map[crm.ObjectName][]string) (map[crm.ObjectName]map[string]map[string]any, error) {
	out := map[crm.ObjectName]map[string]map[string]any{}
	for name, ids := range wanted {
		o, ok := crm.ObjectByName(string(name))
		if !ok {
			continue
		}
		schema, err := s.cfg.Records.Schema(ctx, workspaceID, o)
		if err != nil {
			return nil, err
		}
		found, err := s.cfg.Records.GetMany(ctx, workspaceID, o, ids)
		if err != nil {
			return nil, err
		}
		rendered := map[string]map[string]any{}
		for _, id := range ids {
			r, ok := found[id]
			if !ok {
				// Soft-deleted records are not in GetMany's answer.
				if r, err = s.cfg.Records.Get(ctx, workspaceID, o, id); err != nil {
					continue // destroyed
				}
			}
			rendered[id] = crm.RecordJSON(schema, r)
		}
		out[name] = rendered
	}
	return out, nil
}

// payloadBody renders the body of a delivery. It is rendered once, when
// the event is dispatched, and stored: every attempt sends the same bytes.
func payloadBody(e crm.Event, record map[string]any) ([]byte, error) {
	if record == nil {
		record = map[string]any{"id": e.RecordID}
	}
	fields := e.UpdatedFields
	if fields == nil {
		fields = []string{}
	}
	b, err := json.Marshal(Payload{
		Type: EventType(e), Timestamp: e.At.UTC().Format(time.RFC3339Nano), WorkspaceID: e.WorkspaceID,
		Data: PayloadData{Record: record, UpdatedFields: fields},
	})
	if err != nil {
		return nil, fmt.Errorf("webhooks: render %s payload: %w", EventType(e), err)
	}
	return b, nil
}
