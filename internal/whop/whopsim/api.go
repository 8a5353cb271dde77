package whopsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Endpoint names for Requests: the route patterns the simulator serves.
const (
	EndpointMemberships   = "GET /api/v1/memberships"
	EndpointMembership    = "GET /api/v1/memberships/{id}"
	EndpointMembers       = "GET /api/v1/members"
	EndpointMember        = "GET /api/v1/members/{id}"
	EndpointUser          = "GET /api/v1/users/{id}"
	EndpointProducts      = "GET /api/v1/products"
	EndpointProduct       = "GET /api/v1/products/{id}"
	EndpointPlans         = "GET /api/v1/plans"
	EndpointPlan          = "GET /api/v1/plans/{id}"
	EndpointPayments      = "GET /api/v1/payments"
	EndpointPayment       = "GET /api/v1/payments/{id}"
	EndpointAuthorize     = "GET /oauth/authorize"
	EndpointAuthorizePost = "POST /oauth/authorize"
	EndpointToken         = "POST /oauth/token"
	EndpointUserinfo      = "GET /oauth/userinfo"
	EndpointRevoke        = "POST /oauth/revoke"
)

// apiError is an answer in Whop's error shape:
// {"error":{"type":"...","code":"...","message":"..."}}.
type apiError struct {
	status     int
	typ, code  string
	msg        string
	retryAfter int
}

func (e *apiError) Error() string { return e.msg }

func errBadRequest(format string, args ...any) *apiError {
	return &apiError{status: 400, typ: "invalid_request", code: "bad_request", msg: fmt.Sprintf(format, args...)}
}

func errNotFound(what, id string) *apiError {
	return &apiError{status: 404, typ: "not_found", code: "not_found", msg: fmt.Sprintf("%s %s not found", what, id)}
}

func errForbidden(msg string) *apiError {
	return &apiError{status: 403, typ: "forbidden", code: "forbidden", msg: msg}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeAPIError(w http.ResponseWriter, e *apiError) {
	body := obj{"type": e.typ, "message": e.msg}
	if e.code != "" {
		body["code"] = e.code
	}
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.retryAfter))
	}
	writeJSON(w, e.status, obj{"error": body})
}

// credential is the authenticated caller of one API request.
type credential struct {
	token     string
	oauth     bool
	companyID string // API key's company, or the OAuth grant's company (optional)
	userID    string // OAuth user
	scopes    []string
}

func (c *credential) has(scope string) bool {
	return slices.Contains(c.scopes, scope)
}

// apiHandlerFunc serves one API request after the shared checks; it returns
// the value to encode as the 200 body, or an *apiError.
type apiHandlerFunc func(r *http.Request, c *credential, v view) (any, *apiError)

func (s *Sim) routes() *http.ServeMux {
	mux := http.NewServeMux()
	api := func(pattern, scope string, fn apiHandlerFunc) {
		mux.Handle(pattern, s.apiHandler(pattern, scope, fn))
	}
	api(EndpointMemberships, ScopeMemberRead, s.listMemberships)
	api(EndpointMembership, ScopeMemberRead, s.getMembership)
	api(EndpointMembers, ScopeMemberRead, s.listMembers)
	api(EndpointMember, ScopeMemberRead, s.getMember)
	api(EndpointUser, "", s.getUser)
	api(EndpointProducts, ScopeProductRead, s.listProducts)
	api(EndpointProduct, ScopeProductRead, s.getProduct)
	api(EndpointPlans, ScopePlanRead, s.listPlans)
	api(EndpointPlan, ScopePlanRead, s.getPlan)
	api(EndpointPayments, ScopePaymentRead, s.listPayments)
	api(EndpointPayment, ScopePaymentRead, s.getPayment)
	mux.Handle("/api/v1/", s.apiHandler("/api/v1/", "", func(r *http.Request, _ *credential, _ view) (any, *apiError) {
		return nil, &apiError{status: 404, typ: "not_found", code: "not_found", msg: "no route " + r.Method + " " + r.URL.Path}
	}))

	oauth := func(pattern string, fn http.HandlerFunc) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			s.countRequest(pattern)
			s.injectLatency()
			fn(w, r)
		})
	}
	oauth(EndpointAuthorize, s.authorize)
	oauth(EndpointAuthorizePost, s.authorizeDecision)
	oauth(EndpointToken, s.token)
	oauth(EndpointUserinfo, s.userinfo)
	oauth("POST /oauth/userinfo", s.userinfo)
	oauth(EndpointRevoke, s.revoke)
	return mux
}

// apiHandler runs the checks every /api/v1 request passes, in the order a
// client can observe them: faults, version header, credential, rate limit,
// permission.
func (s *Sim) apiHandler(pattern, scope string, fn apiHandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.countRequest(pattern)
		s.injectLatency()
		if e := s.serverErrorFault(pattern); e != nil {
			writeAPIError(w, e)
			return
		}
		if h := strings.TrimSpace(r.Header.Get("Api-Version-Date")); h != "" && !knownVersions[h] {
			writeAPIError(w, errBadRequest("Invalid Api-Version-Date %q: not a known API version date", h))
			return
		}
		c, e := s.authenticate(r)
		if e != nil {
			writeAPIError(w, e)
			return
		}
		if e := s.rateLimit(pattern, c.token); e != nil {
			writeAPIError(w, e)
			return
		}
		if scope != "" && !c.has(scope) {
			writeAPIError(w, errForbidden("The credential lacks the permission "+scope))
			return
		}
		body, e := fn(r, c, view{email: c.has(ScopeEmailRead)})
		if e != nil {
			writeAPIError(w, e)
			return
		}
		s.writeBody(w, body)
	})
}

// writeBody encodes a 200 answer, cutting it short when the truncation
// fault is armed: Content-Length announces the full body, half is sent.
func (s *Sim) writeBody(w http.ResponseWriter, body any) {
	b := appendJSON(make([]byte, 0, 4096), body)
	b = append(b, '\n')
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	if s.takeTruncation() {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(b[:len(b)/2])
		return
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func errUnauthorized(msg string) *apiError {
	return &apiError{status: 401, typ: "unauthorized", code: "unauthorized", msg: msg}
}

// authenticate resolves the bearer token to an API key or an OAuth access
// token. Whop answers 401 for anything it cannot use as a credential.
func (s *Sim) authenticate(r *http.Request) (*credential, *apiError) {
	tok := bearer(r)
	if tok == "" {
		return nil, errUnauthorized("Missing bearer token in the Authorization header")
	}
	expireAll := s.currentFaults().ExpireTokens
	s.authMu.Lock()
	defer s.authMu.Unlock()
	if k, ok := s.keys[tok]; ok {
		if expireAll {
			return nil, errUnauthorized("The API key has expired")
		}
		return &credential{token: tok, companyID: k.CompanyID, scopes: scopesOr(k.Scopes)}, nil
	}
	at, ok := s.oauth.access[tok]
	if !ok || at.revoked {
		return nil, errUnauthorized("Invalid or revoked access token")
	}
	if expireAll || at.expired || !s.clock().Before(at.expiresAt) {
		return nil, errUnauthorized("The access token has expired")
	}
	return &credential{token: tok, oauth: true, companyID: at.companyID, userID: at.userID, scopes: at.scopes}, nil
}

func scopesOr(sc []string) []string {
	if sc == nil {
		return AllScopes
	}
	return sc
}

// listCompany resolves the company a list request is about (the caller
// holds s.mu). With an API key the company is required and must be the
// key's company; an OAuth token acts for a company its user owns. Whop's SDK
// names it account_id on products and plans and company_id elsewhere; both
// are accepted everywhere, and two different values are refused.
func (s *Sim) listCompany(r *http.Request, c *credential) (string, *apiError) {
	q := r.URL.Query()
	id, account := q.Get("company_id"), q.Get("account_id")
	if id != "" && account != "" && id != account {
		return "", errBadRequest("company_id %q and account_id %q name different companies", id, account)
	}
	if id == "" {
		id = account
	}
	if id == "" {
		if c.oauth && c.companyID != "" {
			return c.companyID, nil
		}
		return "", errBadRequest("company_id (or account_id) is required")
	}
	if !s.canSee(c, id) {
		return "", errForbidden("The credential has no access to company " + id)
	}
	return id, nil
}

// canSee reports whether c may read a company's data. The caller holds s.mu.
func (s *Sim) canSee(c *credential, companyID string) bool {
	if !c.oauth {
		return c.companyID == companyID
	}
	if c.companyID != "" && c.companyID != companyID {
		return false
	}
	co, ok := s.st.companies[companyID]
	return ok && co.OwnerUserID == c.userID
}

// parseTime accepts what Whop's SDKs send for date filters: ISO-8601 strings
// (current) or unix seconds (older SDKs).
func parseTime(s string) (time.Time, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not an ISO-8601 time or unix seconds: %q", s)
}
