package whopsim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// retryDelays is Whop's schedule after a failed delivery: 10 s, 20 s, 40 s,
// then it gives up (about 70 s in all).
var retryDelays = []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second}

// staleBy is how far in the past WebhookStale signs: twice the 300 s
// tolerance receivers apply.
const staleBy = 600 * time.Second

// legacyNames maps v1 event types to their v5 names where they differ.
var legacyNames = map[string]string{
	"membership.activated":   "membership.went_valid",
	"membership.deactivated": "membership.went_invalid",
}

// SignStandard returns the Standard Webhooks signature header value for a
// Whop webhook: "v1," + base64(HMAC-SHA256(key, id + "." + ts + "." + body)),
// where key is the raw bytes of the ws_ secret as Whop shows it.
func SignStandard(secret, msgID string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msgID + "." + strconv.FormatInt(timestamp, 10) + "."))
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// SignLegacy returns the v5 x-whop-signature header value:
// "t=<unix>,v1=" + hex(HMAC-SHA256(secret, t + "." + body)).
func SignLegacy(secret string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(timestamp, 10) + "."))
	m.Write(body)
	ts := strconv.FormatInt(timestamp, 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// Event is one webhook event the simulator emitted.
type Event struct {
	ID        string // msg_..., the webhook-id
	Type      string // v1 name, e.g. "membership.activated"
	CompanyID string
	Timestamp time.Time
	// ResourceID is the ID of the resource in data (mem_, pay_, rfnd_...).
	ResourceID string
	v1Body     []byte
	legacyBody []byte
}

// Delivery is one HTTP attempt to deliver an event to a target.
type Delivery struct {
	EventID   string
	Type      string // as sent: v1 or legacy name
	URL       string
	Mode      string
	Attempt   int  // 1 for the first attempt, 2..4 for retries
	Duplicate bool // a deliberate duplicate (Faults.WebhookDuplicates)
	Timestamp int64
	Status    int    // 0 when the request failed before a response
	Err       string // transport error, if any
	Header    http.Header
	Body      []byte
}

// OK reports whether the receiver accepted the delivery.
func (d Delivery) OK() bool { return d.Status >= 200 && d.Status < 300 }

type emitter struct {
	s      *Sim
	client *http.Client

	mu         sync.Mutex
	targets    []WebhookTarget
	events     []Event
	deliveries []Delivery
	timers     map[*time.Timer]struct{}
	closed     bool
	rng        *rand.Rand

	wg sync.WaitGroup
}

func newEmitter(s *Sim, targets []WebhookTarget) *emitter {
	return &emitter{
		s: s, client: &http.Client{Timeout: s.cfg.WebhookTimeout},
		targets: append([]WebhookTarget(nil), targets...),
		timers:  map[*time.Timer]struct{}{},
		rng:     rand.New(rand.NewPCG(s.cfg.Seed+2, 0x400c)),
	}
}

// SetWebhookTargets replaces the webhook receivers.
func (s *Sim) SetWebhookTargets(targets []WebhookTarget) {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	s.hooks.targets = append([]WebhookTarget(nil), targets...)
}

// Events returns every event emitted so far, in emission order.
func (s *Sim) Events() []Event {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return append([]Event(nil), s.hooks.events...)
}

// Deliveries returns every delivery attempt so far, in the order they
// finished.
func (s *Sim) Deliveries() []Delivery {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return append([]Delivery(nil), s.hooks.deliveries...)
}

// WaitIdle blocks until no delivery or scheduled retry is pending, or ctx
// ends.
func (s *Sim) WaitIdle(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.hooks.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// newEvent builds an event with both bodies rendered now, so a retry sends
// the same bytes. Caller holds s.mu.
func (s *Sim) newEvent(typ, companyID, resourceID string, render func(view) obj) Event {
	now := s.clock()
	ev := Event{ID: s.st.newID("msg_"), Type: typ, CompanyID: companyID, Timestamp: now, ResourceID: resourceID}
	v1 := struct {
		ID         string `json:"id"`
		APIVersion string `json:"api_version"`
		Type       string `json:"type"`
		Timestamp  string `json:"timestamp"`
		CompanyID  string `json:"company_id"`
		Data       obj    `json:"data"`
	}{ev.ID, "v1", typ, now.UTC().Format("2006-01-02T15:04:05.000Z"), companyID, render(view{email: true})}
	ev.v1Body, _ = json.Marshal(v1)
	action := typ
	if l, ok := legacyNames[typ]; ok {
		action = l
	}
	legacy := struct {
		Action     string `json:"action"`
		APIVersion string `json:"api_version"`
		Data       obj    `json:"data"`
	}{action, "v5", render(view{email: true, unix: true})}
	ev.legacyBody, _ = json.Marshal(legacy)
	return ev
}

// emit sends one batch of events to every target, in order unless the
// reorder fault shuffles it. Must be called without s.mu held.
func (e *emitter) emit(batch []Event) {
	if len(batch) == 0 {
		return
	}
	f := e.s.currentFaults()
	e.mu.Lock()
	e.events = append(e.events, batch...)
	if e.closed {
		e.mu.Unlock()
		return
	}
	batch = append([]Event(nil), batch...)
	if f.WebhookReorder {
		e.rng.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
	}
	routes := make([]routedTarget, 0, len(e.targets))
	for _, t := range e.targets {
		routes = append(routes, routedTarget{target: t, events: batch})
	}
	routes = append(routes, e.s.registeredTargets(batch)...)
	e.wg.Add(len(routes))
	e.mu.Unlock()
	for _, rt := range routes {
		go func() {
			defer e.wg.Done()
			for _, ev := range rt.events {
				e.attempt(rt.target, ev, 1, false)
			}
		}()
	}
}

// attempt makes one delivery and schedules the next retry on failure.
func (e *emitter) attempt(t WebhookTarget, ev Event, n int, dup bool) {
	f := e.s.currentFaults()
	d := e.send(t, ev, n, dup, f.WebhookStale)
	e.mu.Lock()
	e.deliveries = append(e.deliveries, d)
	closed := e.closed
	e.mu.Unlock()
	if closed {
		return
	}
	if !d.OK() {
		e.s.logf("whopsim: webhook %s (%s) to %s attempt %d failed: status %d %s", ev.ID, d.Type, t.URL, n, d.Status, d.Err)
		if n <= len(retryDelays) {
			e.schedule(time.Duration(float64(retryDelays[n-1])*e.s.cfg.RetryScale), func() { e.attempt(t, ev, n+1, false) })
		}
		return
	}
	if f.WebhookDuplicates && !dup {
		e.attempt(t, ev, n, true)
	}
}

func (e *emitter) schedule(d time.Duration, fn func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return
	}
	e.wg.Add(1)
	var tm *time.Timer
	tm = time.AfterFunc(d, func() {
		defer e.wg.Done()
		e.mu.Lock()
		delete(e.timers, tm)
		e.mu.Unlock()
		fn()
	})
	e.timers[tm] = struct{}{}
}

func (e *emitter) send(t WebhookTarget, ev Event, n int, dup, stale bool) Delivery {
	ts := e.s.clock()
	if stale {
		ts = ts.Add(-staleBy)
	}
	unix := ts.Unix()
	if dup {
		unix++ // a duplicate is a new attempt: same id, a later timestamp
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "whopsim-webhooks/1")
	body, typ := ev.v1Body, ev.Type
	if t.Mode == WebhookModeLegacy {
		body = ev.legacyBody
		if l, ok := legacyNames[typ]; ok {
			typ = l
		}
		h.Set("X-Whop-Signature", SignLegacy(t.Secret, unix, body))
	} else {
		h.Set("webhook-id", ev.ID)
		h.Set("webhook-timestamp", strconv.FormatInt(unix, 10))
		h.Set("webhook-signature", SignStandard(t.Secret, ev.ID, unix, body))
	}
	d := Delivery{EventID: ev.ID, Type: typ, URL: t.URL, Mode: t.Mode, Attempt: n, Duplicate: dup, Timestamp: unix, Header: h, Body: body}
	if d.Mode == "" {
		d.Mode = WebhookModeV1
	}
	req, err := http.NewRequest(http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		d.Err = err.Error()
		return d
	}
	req.Header = h.Clone()
	resp, err := e.client.Do(req)
	if err != nil {
		d.Err = err.Error()
		return d
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	d.Status = resp.StatusCode
	return d
}

// close abandons scheduled retries; deliveries in flight finish.
func (e *emitter) close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return
	}
	e.closed = true
	for tm := range e.timers {
		if tm.Stop() {
			e.wg.Done()
		}
		delete(e.timers, tm)
	}
}
