package whop

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Event is a webhook envelope, v1 or legacy, normalised to v1 names.
type Event struct {
	// ID is the envelope id (v1); legacy bodies have none, so deduplicate on
	// the webhook-id header, not on this.
	ID         string
	APIVersion string
	// Type is the v1 event name; legacy names are mapped
	// (membership.went_valid -> membership.activated,
	// membership.went_invalid -> membership.deactivated).
	Type string
	// OriginalType is the name as delivered (type or action).
	OriginalType string
	// Timestamp is when the event happened; zero when the body has none.
	Timestamp Time
	// CompanyID routes the event to a workspace; for legacy bodies it is read
	// from data.company_id when present.
	CompanyID string
	// Legacy is true for {action, api_version:"v5", data} bodies.
	Legacy bool
	// Data is the resource, in its 2025-01-01 shape for v1.
	Data json.RawMessage
}

// legacyNames maps v2/v5 event names to their v1 equivalents.
var legacyNames = map[string]string{
	"membership.went_valid":   "membership.activated",
	"membership.went_invalid": "membership.deactivated",
}

// ErrMalformedEvent means a body that passed signature verification is not a
// webhook envelope (answer 400).
var ErrMalformedEvent = errors.New("whop webhook: malformed event")

// ParseEvent decodes a verified webhook body.
func ParseEvent(body []byte) (*Event, error) {
	var env struct {
		ID         string          `json:"id"`
		APIVersion string          `json:"api_version"`
		Type       string          `json:"type"`
		Action     string          `json:"action"`
		Timestamp  Time            `json:"timestamp"`
		CompanyID  string          `json:"company_id"`
		Data       json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedEvent, err)
	}
	e := &Event{
		ID:         env.ID,
		APIVersion: env.APIVersion,
		Timestamp:  env.Timestamp,
		CompanyID:  env.CompanyID,
		Data:       env.Data,
	}
	switch {
	case env.Type != "":
		e.OriginalType = env.Type
	case env.Action != "":
		e.OriginalType = env.Action
		e.Legacy = true
	default:
		return nil, fmt.Errorf("%w: no type or action", ErrMalformedEvent)
	}
	e.Type = e.OriginalType
	if v1, ok := legacyNames[e.OriginalType]; ok {
		e.Type = v1
	}
	if len(bytes.TrimSpace(e.Data)) == 0 || bytes.Equal(bytes.TrimSpace(e.Data), []byte("null")) {
		return nil, fmt.Errorf("%w: no data", ErrMalformedEvent)
	}
	if e.CompanyID == "" {
		var d struct {
			CompanyID string     `json:"company_id"`
			Company   CompanyRef `json:"company"`
		}
		if json.Unmarshal(e.Data, &d) == nil {
			e.CompanyID = cmp(d.CompanyID, d.Company.ID)
		}
	}
	return e, nil
}

// Membership decodes Data as a membership.
func (e *Event) Membership() (*Membership, error) { return decodeData[Membership](e) }

// Payment decodes Data as a payment.
func (e *Event) Payment() (*Payment, error) { return decodeData[Payment](e) }

// Refund decodes Data as a refund.
func (e *Event) Refund() (*Refund, error) { return decodeData[Refund](e) }

func decodeData[T any](e *Event) (*T, error) {
	var v T
	if err := json.Unmarshal(e.Data, &v); err != nil {
		return nil, fmt.Errorf("%w: %s data: %v", ErrMalformedEvent, e.Type, err)
	}
	return &v, nil
}
