package workflow

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/netguard"
)

// HTTP_REQUEST {url, method, headers, body}: calls a URL through the
// SSRF-guarded client (no loopback, private, link-local or metadata
// addresses unless ROSTER_ALLOW_PRIVATE_NETWORK=true; 10 s; 1 MiB
// response). body is a string, or an object sent as JSON. The output is
// {status, headers, body}, body parsed when it is JSON. A 5xx or 429
// answer fails the step (and is retried); other statuses are the output.
// The request carries "Idempotency-Key: <runId>:<stepId>".
type httpRequest struct{ svc *Service }

// HTTP methods HTTP_REQUEST accepts.
var httpMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

func (httpRequest) Type() string { return "HTTP_REQUEST" }

func (a *httpRequest) Validate(ctx context.Context, c *Check) error {
	if a.svc.http == nil {
		return c.Errorf("", crm.CodeInvalidValue, "HTTP requests are not enabled on this server")
	}
	u, err := c.Text("url", true)
	if err != nil {
		return err
	}
	if !strings.Contains(u, "{{") {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return c.Errorf("url", crm.CodeInvalidValue, "%q is not an http(s) URL", u)
		}
	}
	m, err := c.Text("method", false)
	if err != nil {
		return err
	}
	if m != "" && !oneOf(strings.ToUpper(m), httpMethods...) {
		return c.Errorf("method", crm.CodeInvalidEnum, "method %q is not one of %s", m, strings.Join(httpMethods, ", "))
	}
	if v, ok := c.Input("headers"); ok {
		h, isMap := v.(map[string]any)
		if !isMap {
			return c.Errorf("headers", crm.CodeInvalidType, "expected an object of header names and values")
		}
		for k := range h {
			if k == "" || strings.ContainsAny(k, " :\r\n") {
				return c.Errorf("headers."+k, crm.CodeInvalidValue, "%q is not a header name", k)
			}
		}
	}
	return nil
}

func (httpRequest) OutputSchema(ctx context.Context, c *Check) (*Schema, error) {
	return Object(map[string]*Schema{"status": Scalar(TypeNumber), "headers": OpenObject("response headers"), "body": {Type: TypeAny}}), nil
}

func (a *httpRequest) Execute(ctx context.Context, x *Exec) (*Result, error) {
	method := strings.ToUpper(Text(x.Input["method"]))
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	contentType := ""
	switch b := x.Input["body"].(type) {
	case nil:
	case string:
		if b != "" {
			body = strings.NewReader(b)
		}
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			return nil, Permanent(fmt.Errorf("body: %w", err))
		}
		body, contentType = bytes.NewReader(enc), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, Text(x.Input["url"]), body)
	if err != nil {
		return nil, Permanent(fmt.Errorf("url: %w", err))
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if h, ok := x.Input["headers"].(map[string]any); ok {
		for k, v := range h {
			req.Header.Set(k, Text(v))
		}
	}
	req.Header.Set("Idempotency-Key", x.IdempotencyKey)
	req.Header.Set("User-Agent", "Roster-Workflow/1")
	resp, err := a.svc.http.Do(req)
	if err != nil {
		if errors.Is(err, netguard.ErrBlocked) {
			return nil, Permanent(err)
		}
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		if errors.Is(err, netguard.ErrResponseTooLarge) {
			return nil, Permanent(err)
		}
		return nil, err
	}
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return nil, fmt.Errorf("%s %s answered %s", method, req.URL.Redacted(), resp.Status)
	}
	headers := map[string]any{}
	for k, v := range resp.Header {
		headers[k] = strings.Join(v, ", ")
	}
	var parsed any = string(raw)
	var j any
	if len(raw) > 0 && json.Unmarshal(raw, &j) == nil {
		parsed = j
	}
	return &Result{Output: map[string]any{"status": resp.StatusCode, "headers": headers, "body": parsed}}, nil
}
