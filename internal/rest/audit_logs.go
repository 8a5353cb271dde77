package rest

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
)

// auditLogList serves GET /rest/auditLogs (admins): the workspace's audit
// log, newest first, as {"data": {"auditLogs": [...]}, "pageInfo": {...},
// "totalCount": N}. The filters are GraphQL's auditLogs filter written as
// query keys: action[eq], action[in] (comma-separated), actorId[eq],
// createdAt[gte] and createdAt[lte] (RFC 3339); limit and starting_after
// page. An unknown key is refused rather than ignored, so a misspelt filter
// cannot widen the answer.
func (h *handler) auditLogList(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	if p == nil {
		return &crm.Error{Cause: crm.ErrUnauthenticated, Code: crm.CodeUnauthenticated, Message: "authentication required: send an API key as \"Authorization: Bearer KEY\""}
	}
	if err := auth.RequireAdmin(p); err != nil {
		return err
	}
	if h.audit == nil {
		return crm.Invalid("", crm.CodeInvalidValue, "the audit log is not enabled on this server")
	}
	lp, err := auditListParams(r.URL.Query())
	if err != nil {
		return err
	}
	pg, err := h.audit.List(r.Context(), p.WorkspaceID, lp)
	if err != nil {
		if e, ok := crm.AsError(err); ok && e.Field != "" {
			return auditParamError(e, r.URL.Query())
		}
		return err
	}
	out := make([]map[string]any, len(pg.Events))
	for i, e := range pg.Events {
		out[i] = auditLogJSON(e)
	}
	info := pageInfo{HasNextPage: pg.HasNextPage, HasPreviousPage: lp.After != ""}
	if n := len(pg.Cursors); n > 0 {
		info.StartCursor, info.EndCursor = &pg.Cursors[0], &pg.Cursors[n-1]
	}
	httpserver.WriteJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"auditLogs": out}, "pageInfo": info, "totalCount": pg.TotalCount})
	return nil
}

// auditParams are the query keys GET /rest/auditLogs takes.
var auditParams = []string{"action[eq]", "action[in]", "actorId[eq]", "createdAt[gte]", "createdAt[lte]", "limit", "starting_after"}

func auditListParams(q url.Values) (audit.ListParams, error) {
	lp := audit.ListParams{WithTotal: true, After: q.Get("starting_after")}
	if err := onlyKeys(q, auditParams); err != nil {
		return lp, err
	}
	f := &lp.Filter
	if q.Has("action[eq]") && q.Has("action[in]") {
		return lp, crm.Invalid("action[in]", crm.CodeInvalidValue, "give action[eq] or action[in], not both")
	}
	if v := q.Get("action[eq]"); q.Has("action[eq]") {
		f.Actions = []audit.Action{audit.Action(strings.TrimSpace(v))}
	}
	if q.Has("action[in]") {
		for _, a := range strings.Split(q.Get("action[in]"), ",") {
			if a = strings.TrimSpace(a); a != "" {
				f.Actions = append(f.Actions, audit.Action(a))
			}
		}
		if len(f.Actions) == 0 {
			return lp, crm.Invalid("action[in]", crm.CodeInvalidValue, "lists no action")
		}
	}
	if q.Has("actorId[eq]") {
		if f.ActorID = strings.TrimSpace(q.Get("actorId[eq]")); f.ActorID == "" {
			return lp, crm.Invalid("actorId[eq]", crm.CodeRequired, "is empty")
		}
	}
	for key, dst := range map[string]**time.Time{"createdAt[gte]": &f.Since, "createdAt[lte]": &f.Until} {
		if !q.Has(key) {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, q.Get(key))
		if err != nil {
			return lp, crm.Invalid(key, crm.CodeInvalidType, "%q is not an RFC 3339 time such as 2026-01-31T00:00:00Z", q.Get(key))
		}
		*dst = &t
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return lp, crm.Invalid("limit", crm.CodeInvalidType, "limit %q must be a whole number from 1 to %d", v, crm.MaxPageSize)
		}
		lp.First = n
	}
	return lp, nil
}

// auditParamError names the query key of a filter the service refused
// ("action" is action[eq] or action[in], "first" is limit).
func auditParamError(e *crm.Error, q url.Values) error {
	c := *e
	switch c.Field {
	case "first":
		c.Field = "limit"
		c.Message = strings.Replace(c.Message, "first", "limit", 1)
	case "after":
		c.Field = "starting_after"
	case "action":
		c.Field = "action[eq]"
		if q.Has("action[in]") {
			c.Field = "action[in]"
		}
	case "createdAt":
		c.Field = "createdAt[gte]"
	}
	return &c
}

// auditLogJSON renders an entry with the field names of GraphQL's AuditLog.
func auditLogJSON(e *audit.Event) map[string]any {
	var target any
	if e.Target.Type != "" {
		target = map[string]any{"type": e.Target.Type, "id": nullableString(e.Target.ID), "label": e.Target.Label}
	}
	details := e.Details
	if details == nil {
		details = map[string]any{}
	}
	return map[string]any{
		"id": e.ID, "createdAt": e.At.UTC().Format(time.RFC3339Nano), "action": string(e.Action), "label": e.Action.Label(),
		"actor":  map[string]any{"kind": strings.ToUpper(string(e.Actor.Kind)), "id": nullableString(e.Actor.ID), "name": e.Actor.Name},
		"target": target, "details": details, "ip": nullableString(e.IP), "userAgent": nullableString(e.UserAgent),
	}
}

// onlyKeys refuses a query key that is not in known, or one given twice,
// naming it: a misspelt filter or switch must not silently widen an answer
// or keep a default.
func onlyKeys(q url.Values, known []string) error {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(known, k) {
			return crm.Invalid(k, crm.CodeInvalidValue, "unknown parameter %q (use %s)", k, strings.Join(known, ", "))
		}
		if len(q[k]) > 1 {
			return crm.Invalid(k, crm.CodeInvalidValue, "%s is given %d times; give it once", k, len(q[k]))
		}
	}
	return nil
}
