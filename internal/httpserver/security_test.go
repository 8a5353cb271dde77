package httpserver_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/metrics"
)

// listen serves srv on a fresh loopback listener until the test ends and
// returns its base URL.
func listen(t *testing.T, srv *httpserver.Server, ln net.Listener) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx) }()
	t.Cleanup(func() { cancel(); <-served })
	<-srv.Listening()
	return "http://" + ln.Addr().String()
}

func loopback(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func TestSecurityHeaders(t *testing.T) {
	tests := []struct {
		Name     string
		HSTS     bool
		Path     string
		WantHSTS bool
	}{
		{Name: "handler, plain http", Path: "/text"},
		{Name: "mux 404", Path: "/nowhere"},
		{Name: "handler, https base URL", HSTS: true, Path: "/text", WantHSTS: true},
		{Name: "probe, https base URL", HSTS: true, Path: "/healthz", WantHSTS: true},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			srv, _ := newServer(t, httpserver.Config{HSTS: tt.HSTS})
			srv.HandleFunc("GET /text", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "<b>hi</b>") })
			rec := do(t, srv.Handler(), httptest.NewRequest("GET", tt.Path, nil))
			if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q; want nosniff", got)
			}
			got := rec.Header().Get("Strict-Transport-Security")
			if tt.WantHSTS && !strings.HasPrefix(got, "max-age=") || !tt.WantHSTS && got != "" {
				t.Errorf("Strict-Transport-Security = %q; want it %v", got, tt.WantHSTS)
			}
		})
	}
}

func TestMetricsAccess(t *testing.T) {
	tests := []struct {
		Name          string
		Token         string
		Open          bool
		Authorization string
		Want          int
	}{
		{Name: "not public by default", Want: http.StatusNotFound},
		{Name: "token set, none sent", Token: "m3trics", Want: http.StatusUnauthorized},
		{Name: "token set, wrong one", Token: "m3trics", Authorization: "Bearer nope", Want: http.StatusUnauthorized},
		{Name: "token set, right one", Token: "m3trics", Authorization: "Bearer m3trics", Want: http.StatusOK},
		{Name: "private listener", Open: true, Want: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			srv, _ := newServer(t, httpserver.Config{Metrics: metrics.New(), MetricsToken: tt.Token, MetricsOpen: tt.Open})
			req := httptest.NewRequest("GET", "/metrics", nil)
			if tt.Authorization != "" {
				req.Header.Set("Authorization", tt.Authorization)
			}
			rec := do(t, srv.Handler(), req)
			if rec.Code != tt.Want {
				t.Fatalf("GET /metrics = %d; want %d", rec.Code, tt.Want)
			}
			if tt.Want == http.StatusOK && !strings.Contains(rec.Body.String(), "go_goroutines") {
				t.Errorf("GET /metrics body lacks the Go collector")
			}
		})
	}
}

// TestTricklingBodyIsCutOff sends a body one byte at a time, far slower
// than any real client, and expects the server to end the exchange once
// its read timeout has passed instead of waiting for ever.
func TestTricklingBodyIsCutOff(t *testing.T) {
	ln := loopback(t)
	srv, _ := newServer(t, httpserver.Config{Listener: ln, ReadTimeout: 200 * time.Millisecond})
	srv.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			httpserver.WriteError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	listen(t, srv, ln)
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nx"); err != nil {
		t.Fatal(err)
	}
	// A guard, not a sleep: the read returns as soon as the server acts.
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = bufio.NewReader(conn).ReadString('\n')
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server still holds a connection whose body trickles in: %v", err)
	}
}

// TestHandlerDeadline checks that every handler's context ends.
func TestHandlerDeadline(t *testing.T) {
	srv, _ := newServer(t, httpserver.Config{HandlerTimeout: 50 * time.Millisecond})
	srv.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			_, _ = io.WriteString(w, r.Context().Err().Error())
		case <-time.After(10 * time.Second): // a guard against a missing deadline
			_, _ = io.WriteString(w, "no deadline")
		}
	})
	rec := do(t, srv.Handler(), httptest.NewRequest("GET", "/slow", nil))
	if got := rec.Body.String(); got != context.DeadlineExceeded.Error() {
		t.Errorf("handler saw %q; want %q", got, context.DeadlineExceeded)
	}
}

// TestStreamLiftsDeadlines checks that a streaming handler keeps no
// deadline yet still stops when its client goes away.
func TestStreamLiftsDeadlines(t *testing.T) {
	ln := loopback(t)
	srv, _ := newServer(t, httpserver.Config{Listener: ln, HandlerTimeout: time.Millisecond, ReadTimeout: time.Millisecond, WriteTimeout: time.Millisecond})
	ended := make(chan error, 1)
	srv.HandleFunc("GET /events", func(w http.ResponseWriter, r *http.Request) {
		r = httpserver.Stream(w, r)
		if d, ok := r.Context().Deadline(); ok {
			ended <- errors.New("deadline " + d.String())
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "event: hello\n\n")
		_ = http.NewResponseController(w).Flush()
		<-r.Context().Done()
		ended <- nil
	})
	base := listen(t, srv, ln)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || line != "event: hello\n" {
		t.Fatalf("first line = %q, %v; want the event (the write timeout cut the stream?)", line, err)
	}
	cancel() // the client goes away
	resp.Body.Close()
	select {
	case err := <-ended:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the stream did not end when its client went away")
	}
}
