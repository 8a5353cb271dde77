package httpserver_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
)

func TestWriteError(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		status  int
		code    string
		field   string
		message string
		logged  bool
	}{
		{"crm invalid", crm.Invalid("emails.primaryEmail", crm.CodeInvalidValue, "not an email"), 400, crm.CodeInvalidValue, "emails.primaryEmail", "not an email", false},
		{"wrapped crm not found", fmt.Errorf("rest: get person: %w", crm.NotFound(crm.ObjectPerson, "p1")), 404, crm.CodeNotFound, "", `person "p1" not found`, false},
		{"crm conflict", crm.Conflict("whopUserId", "already taken"), 409, crm.CodeDuplicate, "whopUserId", "already taken", false},
		{"bare not found", fmt.Errorf("x: %w", crm.ErrNotFound), 404, crm.CodeNotFound, "", "not found", false},
		{"bare invalid", crm.ErrInvalid, 400, crm.CodeInvalidValue, "", "invalid input", false},
		{"bare conflict", crm.ErrConflict, 409, crm.CodeDuplicate, "", "conflict", false},
		{"forbidden", &crm.Error{Cause: crm.ErrForbidden, Code: crm.CodeForbidden, Message: "admins only"}, 403, crm.CodeForbidden, "", "admins only", false},
		{"unauthenticated", crm.ErrUnauthenticated, 401, crm.CodeUnauthenticated, "", "unauthenticated", false},
		{"max bytes", fmt.Errorf("decode: %w", &http.MaxBytesError{Limit: 10}), 413, crm.CodeBodyTooLarge, "", "request body is larger than 10 bytes", false},
		{"client went away", fmt.Errorf("store: list people: %w", context.Canceled), 499, httpserver.CodeCanceled, "", "the request was cancelled", false},
		{"write to a closed connection", fmt.Errorf("web: render: write tcp: %w", syscall.EPIPE), 499, httpserver.CodeCanceled, "", "the request was cancelled", false},
		{"connection reset", fmt.Errorf("rest: encode: %w", syscall.ECONNRESET), 499, httpserver.CodeCanceled, "", "the request was cancelled", false},
		{"internal", errors.New("store: select: pq: password=hunter2 broke"), 500, httpserver.CodeInternal, "", "internal server error (request ID rid-1)", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, logs := newServer(t, httpserver.Config{})
			srv.HandleFunc("GET /err", func(w http.ResponseWriter, r *http.Request) {
				httpserver.WriteError(w, r, tt.err)
			})
			req := httptest.NewRequest("GET", "/err", nil)
			req.Header.Set(httpserver.HeaderRequestID, "rid-1")
			rec := do(t, srv.Handler(), req)
			if rec.Code != tt.status {
				t.Errorf("status = %d; want %d", rec.Code, tt.status)
			}
			got := decodeError(t, rec)
			want := httpserver.ErrorResponse{
				Error:      httpserver.ErrorDetail{Code: tt.code, Message: tt.message, Field: tt.field},
				StatusCode: tt.status,
				Messages:   []string{tt.message},
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("body = %+v; want %+v", got, want)
			}
			if strings.Contains(rec.Body.String(), "hunter2") {
				t.Errorf("body leaks the internal error: %s", rec.Body)
			}
			n := len(logs.records(t, "internal error"))
			if wantN := map[bool]int{true: 1, false: 0}[tt.logged]; n != wantN {
				t.Errorf("logged %d internal errors; want %d", n, wantN)
			}
		})
	}
}

func TestErrorBodyShape(t *testing.T) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/", nil)
	httpserver.WriteError(rec, req, crm.Invalid("name", crm.CodeRequired, "name is required"))
	want := `{"error":{"code":"REQUIRED","message":"name is required","field":"name"},"statusCode":400,"messages":["name is required"]}`
	if got := strings.TrimSpace(rec.Body.String()); got != want {
		t.Errorf("body = %s; want %s", got, want)
	}
	rec = httptest.NewRecorder()
	httpserver.WriteError(rec, req, crm.ErrNotFound)
	if strings.Contains(rec.Body.String(), `"field"`) {
		t.Errorf("body %s has a field for a field-less error", rec.Body)
	}
}

func TestDecodeJSON(t *testing.T) {
	type address struct {
		City string `json:"city"`
	}
	type body struct {
		Name      string   `json:"name"`
		Employees int      `json:"employees"`
		Address   address  `json:"address"`
		Tags      []string `json:"tags"`
	}
	tests := []struct {
		name   string
		body   string
		code   string // "" means success
		field  string
		status int
	}{
		{"valid", `{"name":"Acme","employees":3,"address":{"city":"Paris"}}`, "", "", 0},
		{"empty", ``, crm.CodeInvalidValue, "", 400},
		{"syntax", `{"name":}`, crm.CodeInvalidValue, "", 400},
		{"truncated", `{"name":"Acme"`, crm.CodeInvalidValue, "", 400},
		{"wrong type", `{"employees":"many"}`, crm.CodeInvalidType, "employees", 400},
		{"wrong nested type", `{"address":{"city":7}}`, crm.CodeInvalidType, "address.city", 400},
		{"not an object", `[1,2]`, crm.CodeInvalidType, "", 400},
		{"trailing value", `{"name":"a"} {"name":"b"}`, crm.CodeInvalidValue, "", 400},
		{"too large", `{"name":"` + strings.Repeat("x", 2000) + `"}`, crm.CodeBodyTooLarge, "", 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			req.Body = http.MaxBytesReader(httptest.NewRecorder(), req.Body, 1024)
			var dst body
			err := httpserver.DecodeJSON(req, &dst)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("DecodeJSON() = %v; want nil", err)
				}
				if dst.Name != "Acme" || dst.Employees != 3 || dst.Address.City != "Paris" {
					t.Errorf("decoded %+v; want the body's values", dst)
				}
				return
			}
			if err == nil {
				t.Fatalf("DecodeJSON() = nil; want %s error", tt.code)
			}
			resp, ok := httpserver.Classify(err, "")
			if !ok || resp.StatusCode != tt.status || resp.Error.Code != tt.code || resp.Error.Field != tt.field {
				t.Errorf("Classify(DecodeJSON()) = %+v, %v; want status %d code %s field %q", resp, ok, tt.status, tt.code, tt.field)
			}
		})
	}
}
