package httpserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/metrics"
	"github.com/roster-crm/roster/internal/poll"
)

// logBuffer collects JSON log records; safe for concurrent handlers.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// records returns the decoded log records whose "msg" is msg.
func (b *logBuffer) records(t *testing.T, msg string) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newServer(t *testing.T, cfg httpserver.Config) (*httpserver.Server, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	cfg.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return httpserver.New(cfg), logs
}

func do(t *testing.T, h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func decodeError(t *testing.T, rec *httptest.ResponseRecorder) httpserver.ErrorResponse {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q; want application/json", ct)
	}
	var got httpserver.ErrorResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("error body %q is not JSON: %v", rec.Body.String(), err)
	}
	return got
}

func TestRequestID(t *testing.T) {
	srv, _ := newServer(t, httpserver.Config{})
	var seen string
	srv.HandleFunc("GET /id", func(w http.ResponseWriter, r *http.Request) {
		seen = httpserver.RequestID(r.Context())
	})
	tests := []struct {
		name     string
		incoming string
		keep     bool
	}{
		{"sane id kept", "req-123_abc.DEF:9", true},
		{"missing generated", "", false},
		{"too long replaced", strings.Repeat("a", 129), false},
		{"bad characters replaced", "abc\" injected=1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/id", nil)
			if tt.incoming != "" {
				req.Header.Set(httpserver.HeaderRequestID, tt.incoming)
			}
			rec := do(t, srv.Handler(), req)
			got := rec.Header().Get(httpserver.HeaderRequestID)
			if got == "" {
				t.Fatalf("response %s header is empty", httpserver.HeaderRequestID)
			}
			if got != seen {
				t.Errorf("RequestID(ctx) = %q; want the response header %q", seen, got)
			}
			if keep := got == tt.incoming; keep != tt.keep {
				t.Errorf("incoming %q -> %q: kept = %v; want %v", tt.incoming, got, keep, tt.keep)
			}
		})
	}
	if httpserver.RequestID(context.Background()) != "" {
		t.Errorf("RequestID(background) is not empty")
	}
}

func TestPanicRecovery(t *testing.T) {
	srv, logs := newServer(t, httpserver.Config{})
	srv.HandleFunc("GET /boom", func(w http.ResponseWriter, r *http.Request) {
		panic("kaboom")
	})
	req := httptest.NewRequest("GET", "/boom", nil)
	req.Header.Set(httpserver.HeaderRequestID, "panic-req")
	rec := do(t, srv.Handler(), req)
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d; want 500", rec.Code)
	}
	got := decodeError(t, rec)
	if got.StatusCode != 500 || got.Error.Code != httpserver.CodeInternal {
		t.Errorf("body = %+v; want statusCode 500, code %s", got, httpserver.CodeInternal)
	}
	if strings.Contains(rec.Body.String(), "kaboom") {
		t.Errorf("body %q leaks the panic value", rec.Body.String())
	}
	if !strings.Contains(got.Error.Message, "panic-req") {
		t.Errorf("message %q does not name the request ID", got.Error.Message)
	}
	panics := logs.records(t, "panic serving request")
	if len(panics) != 1 {
		t.Fatalf("logged %d panic records; want 1\n%s", len(panics), logs)
	}
	if p := panics[0]; p["panic"] != "kaboom" || p["request_id"] != "panic-req" || !strings.Contains(p["stack"].(string), "server_test.go") {
		t.Errorf("panic record = %v; want panic, request_id and a stack", p)
	}
	access := logs.records(t, "http request")
	if len(access) != 1 || access[0]["status"] != float64(500) || access[0]["route"] != "GET /boom" {
		t.Errorf("access log = %v; want one record with status 500 and route GET /boom", access)
	}
}

func TestBodyLimit(t *testing.T) {
	srv, _ := newServer(t, httpserver.Config{MaxBodyBytes: 64})
	srv.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		var v map[string]any
		if err := httpserver.DecodeJSON(r, &v); err != nil {
			httpserver.WriteError(w, r, err)
			return
		}
		httpserver.WriteJSON(w, http.StatusOK, v)
	})
	tests := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"small body", `{"a":"b"}`, 200, ""},
		{"oversize body", `{"a":"` + strings.Repeat("x", 100) + `"}`, 413, "BODY_TOO_LARGE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, srv.Handler(), httptest.NewRequest("POST", "/echo", strings.NewReader(tt.body)))
			if rec.Code != tt.status {
				t.Fatalf("status = %d; want %d (body %s)", rec.Code, tt.status, rec.Body)
			}
			if tt.code != "" {
				if got := decodeError(t, rec); got.Error.Code != tt.code || got.StatusCode != tt.status {
					t.Errorf("body = %+v; want code %s, statusCode %d", got, tt.code, tt.status)
				}
			}
		})
	}
}

func TestAccessLogAndMetrics(t *testing.T) {
	reg := metrics.New()
	srv, logs := newServer(t, httpserver.Config{Metrics: reg, MetricsOpen: true})
	srv.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		httpserver.WriteJSON(w, http.StatusCreated, map[string]string{"id": r.PathValue("id")})
	})
	req := httptest.NewRequest("GET", "/items/42?token=s3cret-query", nil)
	req.Header.Set("Authorization", "Bearer s3cret-token")
	req.Header.Set("Cookie", "session=s3cret-cookie")
	if rec := do(t, srv.Handler(), req); rec.Code != http.StatusCreated {
		t.Fatalf("GET /items/42 status = %d; want 201", rec.Code)
	}
	if rec := do(t, srv.Handler(), httptest.NewRequest("GET", "/no/such/path-123", nil)); rec.Code != http.StatusNotFound {
		t.Fatalf("GET /no/such/path-123 status = %d; want 404", rec.Code)
	}

	rec := do(t, srv.Handler(), httptest.NewRequest("GET", "/metrics", nil))
	out := rec.Body.String()
	for _, want := range []string{
		`roster_http_request_duration_seconds_count{method="GET",route="GET /items/{id}",status="201"} 1`,
		`roster_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(out, "path-123") || strings.Contains(out, "/items/42") {
		t.Errorf("/metrics has a raw path as a label")
	}

	access := logs.records(t, "http request")
	if len(access) < 2 {
		t.Fatalf("access log has %d records; want >= 2\n%s", len(access), logs)
	}
	first := access[0]
	for k, want := range map[string]any{"method": "GET", "route": "GET /items/{id}", "status": float64(201)} {
		if first[k] != want {
			t.Errorf("access log %s = %v; want %v", k, first[k], want)
		}
	}
	for _, k := range []string{"duration", "bytes", "request_id"} {
		if _, ok := first[k]; !ok {
			t.Errorf("access log lacks %q: %v", k, first)
		}
	}
	if strings.Contains(logs.String(), "s3cret") {
		t.Errorf("logs contain a secret from headers or query:\n%s", logs)
	}
}

func TestGracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := newServer(t, httpserver.Config{Listener: ln, DrainTimeout: 10 * time.Second})
	started, release := make(chan struct{}), make(chan struct{})
	srv.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release // held until shutdown has begun
		io.WriteString(w, "done")
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx) }()
	select {
	case <-srv.Listening():
	case <-time.After(5 * time.Second):
		t.Fatal("server did not start listening")
	}
	if got, want := srv.Addr(), ln.Addr().String(); got != want {
		t.Errorf("Addr() = %q; want %q", got, want)
	}

	type result struct {
		status int
		body   string
		err    error
	}
	resc := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + srv.Addr() + "/slow")
		if err != nil {
			resc <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		resc <- result{resp.StatusCode, string(b), err}
	}()
	<-started
	cancel()
	// Shutdown has begun once the listener refuses new connections; Serve
	// must still be waiting for the request in flight.
	poll.Until(t, 5*time.Second, func() error {
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			return nil
		}
		c.Close()
		return errors.New("the listener still accepts connections after the context ended")
	})
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v while a request was in flight", err)
	default:
	}
	close(release)
	res := <-resc
	if res.err != nil || res.status != 200 || res.body != "done" {
		t.Errorf("in-flight request = %d %q %v; want 200 \"done\"", res.status, res.body, res.err)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve() = %v; want nil after a clean shutdown", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after draining")
	}
	if _, err := net.DialTimeout("tcp", srv.Addr(), time.Second); err == nil {
		t.Errorf("server still accepts connections after shutdown")
	}
}
