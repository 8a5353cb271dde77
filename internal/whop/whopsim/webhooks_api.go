package whopsim

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// The webhooks resource: an app or company registers where its events go
// and gets the signing secret back once, in the create answer.
const (
	EndpointWebhooks      = "GET /api/v1/webhooks"
	EndpointWebhookCreate = "POST /api/v1/webhooks"
	EndpointWebhook       = "GET /api/v1/webhooks/{id}"
	EndpointWebhookDelete = "DELETE /api/v1/webhooks/{id}"
)

// ScopeWebhookManage is the permission the webhooks resource needs.
const ScopeWebhookManage = "developer:manage_webhook"

// RegisteredWebhook is a webhook made through POST /webhooks. Events of its
// company whose type it subscribes to are delivered to its URL, signed with
// its own secret, as Whop does.
type RegisteredWebhook struct {
	ID             string
	URL            string
	CompanyID      string // resource_id
	Events         []string
	APIVersion     string
	APIVersionDate string
	Enabled        bool
	Secret         string
	CreatedAt      time.Time
}

// registry holds the registered webhooks, in creation order.
type registry struct {
	mu    sync.Mutex
	hooks []*RegisteredWebhook
}

// RegisteredWebhooks returns the webhooks registered through the API.
func (s *Sim) RegisteredWebhooks() []RegisteredWebhook {
	s.registry.mu.Lock()
	defer s.registry.mu.Unlock()
	out := make([]RegisteredWebhook, len(s.registry.hooks))
	for i, h := range s.registry.hooks {
		out[i] = *h
		out[i].Events = slices.Clone(h.Events)
	}
	return out
}

// webhookRoutes adds the webhooks resource to mux.
func (s *Sim) webhookRoutes(mux *http.ServeMux) {
	api := func(pattern string, fn apiHandlerFunc) {
		mux.Handle(pattern, s.apiHandler(pattern, ScopeWebhookManage, fn))
	}
	api(EndpointWebhooks, s.listWebhooks)
	api(EndpointWebhookCreate, s.createWebhook)
	api(EndpointWebhook, s.getWebhook)
	api(EndpointWebhookDelete, s.deleteWebhook)
}

// createWebhook serves POST /webhooks: url is required and must be an
// absolute http(s) URL; resource_id defaults to the credential's company.
// The answer is the only one that carries webhook_secret.
func (s *Sim) createWebhook(r *http.Request, c *credential, _ view) (any, *apiError) {
	var in struct {
		URL            string   `json:"url"`
		Events         []string `json:"events"`
		Enabled        *bool    `json:"enabled"`
		APIVersion     string   `json:"api_version"`
		APIVersionDate *string  `json:"api_version_date"`
		ResourceID     string   `json:"resource_id"`
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || json.Unmarshal(body, &in) != nil {
		return nil, errBadRequest("the body must be a JSON object")
	}
	if u, err := url.Parse(in.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errBadRequest("url must be an absolute http(s) URL")
	}
	for _, e := range in.Events {
		if !slices.Contains(webhookEventTypes, e) {
			return nil, errBadRequest("events: unknown event type %q", e)
		}
	}
	switch in.APIVersion {
	case "":
		in.APIVersion = "v1"
	case "v1", "v2", "v5":
	default:
		return nil, errBadRequest("api_version must be v1, v2 or v5")
	}
	company := in.ResourceID
	if company == "" {
		company = c.companyID
	}
	s.mu.RLock()
	visible := company != "" && s.canSee(c, company)
	s.mu.RUnlock()
	if !visible {
		return nil, errForbidden("The credential has no access to resource " + company)
	}
	secret, err := newWebhookSecret()
	if err != nil {
		return nil, &apiError{status: 500, typ: "internal_error", msg: "could not make a secret"}
	}
	s.mu.Lock()
	id := s.st.newID("hook_")
	s.mu.Unlock()
	h := &RegisteredWebhook{ID: id, URL: in.URL, CompanyID: company, Events: in.Events, APIVersion: in.APIVersion,
		Enabled: in.Enabled == nil || *in.Enabled, Secret: secret, CreatedAt: s.clock().UTC()}
	if in.APIVersionDate != nil {
		h.APIVersionDate = *in.APIVersionDate
	}
	s.registry.mu.Lock()
	s.registry.hooks = append(s.registry.hooks, h)
	s.registry.mu.Unlock()
	return renderWebhook(h, true), nil
}

// listWebhooks serves GET /webhooks?account_id=biz_... (company_id is
// accepted too). The secret is null on reads, as Whop answers API keys and
// OAuth tokens. A company has a handful of webhooks: one page holds them.
func (s *Sim) listWebhooks(r *http.Request, c *credential, _ view) (any, *apiError) {
	q := r.URL.Query()
	company := q.Get("account_id")
	if company == "" {
		company = q.Get("company_id")
	}
	if company == "" {
		return nil, errBadRequest("account_id is required")
	}
	s.mu.RLock()
	visible := s.canSee(c, company)
	s.mu.RUnlock()
	if !visible {
		return nil, errForbidden("The credential has no access to account " + company)
	}
	data := []obj{}
	s.registry.mu.Lock()
	for i := len(s.registry.hooks) - 1; i >= 0; i-- { // newest first
		if h := s.registry.hooks[i]; h.CompanyID == company {
			data = append(data, renderWebhook(h, false))
		}
	}
	s.registry.mu.Unlock()
	return obj{"data": data, "page_info": obj{"end_cursor": nil, "start_cursor": nil, "has_next_page": false, "has_previous_page": false}}, nil
}

func (s *Sim) getWebhook(r *http.Request, c *credential, _ view) (any, *apiError) {
	h, e := s.findWebhook(r.PathValue("id"), c)
	if e != nil {
		return nil, e
	}
	return renderWebhook(h, false), nil
}

// deleteWebhook serves DELETE /webhooks/{id}; Whop answers true.
func (s *Sim) deleteWebhook(r *http.Request, c *credential, _ view) (any, *apiError) {
	h, e := s.findWebhook(r.PathValue("id"), c)
	if e != nil {
		return nil, e
	}
	s.registry.mu.Lock()
	s.registry.hooks = slices.DeleteFunc(s.registry.hooks, func(x *RegisteredWebhook) bool { return x == h })
	s.registry.mu.Unlock()
	return true, nil
}

// findWebhook returns a webhook the credential may see; others are 404, as
// for any resource of another company.
func (s *Sim) findWebhook(id string, c *credential) (*RegisteredWebhook, *apiError) {
	s.registry.mu.Lock()
	var h *RegisteredWebhook
	for _, x := range s.registry.hooks {
		if x.ID == id {
			h = x
		}
	}
	s.registry.mu.Unlock()
	if h == nil {
		return nil, errNotFound("webhook", id)
	}
	s.mu.RLock()
	visible := s.canSee(c, h.CompanyID)
	s.mu.RUnlock()
	if !visible {
		return nil, errNotFound("webhook", id)
	}
	return h, nil
}

func renderWebhook(h *RegisteredWebhook, withSecret bool) obj {
	var secret, date any
	if withSecret {
		secret = h.Secret
	}
	if h.APIVersionDate != "" {
		date = h.APIVersionDate
	}
	events := make([]any, len(h.Events))
	for i, e := range h.Events {
		events[i] = e
	}
	return obj{
		"id": h.ID, "url": h.URL, "api_version": h.APIVersion, "api_version_date": date, "enabled": h.Enabled,
		"events": events, "testable_events": events, "resource_id": h.CompanyID, "webhook_secret": secret,
		"child_resource_events": false, "consecutive_failures": 0, "disabled_at": nil, "disabled_reason": nil,
		"failing_since": nil, "last_failure_at": nil, "created_at": h.CreatedAt.Format("2006-01-02T15:04:05.000Z"),
	}
}

// newWebhookSecret makes a secret in the dashboard's form: ws_ + 64 hex.
func newWebhookSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "ws_" + hex.EncodeToString(b[:]), nil
}

// registeredTargets returns, for each enabled registered webhook with at
// least one event of the batch, the target and the events it receives: its
// company's events of the types it subscribes to (all types when it lists
// none).
func (s *Sim) registeredTargets(batch []Event) []routedTarget {
	s.registry.mu.Lock()
	defer s.registry.mu.Unlock()
	var out []routedTarget
	for _, h := range s.registry.hooks {
		if !h.Enabled {
			continue
		}
		var evs []Event
		for _, ev := range batch {
			if ev.CompanyID == h.CompanyID && (len(h.Events) == 0 || slices.Contains(h.Events, ev.Type)) {
				evs = append(evs, ev)
			}
		}
		if len(evs) > 0 {
			mode := WebhookModeV1
			if h.APIVersion != "v1" {
				mode = WebhookModeLegacy
			}
			out = append(out, routedTarget{target: WebhookTarget{URL: h.URL, Secret: h.Secret, Mode: mode}, events: evs})
		}
	}
	return out
}

// routedTarget is a receiver and the events of one batch it gets.
type routedTarget struct {
	target WebhookTarget
	events []Event
}

// webhookEventTypes are the v1 event names the simulator accepts in a
// subscription: those it emits and the other documented ones.
var webhookEventTypes = []string{
	"membership.activated", "membership.deactivated", "membership.cancel_at_period_end_changed",
	"membership.trial_ending_soon", "membership.updated", "payment.created", "payment.succeeded", "payment.failed",
	"payment.pending", "refund.created", "refund.updated", "dispute.created", "dispute.updated",
	"invoice.created", "invoice.paid", "invoice.past_due", "invoice.voided", "entry.created", "entry.approved",
	"entry.denied", "entry.deleted", "member.created", "product.created", "product.updated", "plan.created", "plan.updated",
}
