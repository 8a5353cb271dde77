package netguard

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// hitServer is a loopback server that counts its requests, so a test can
// prove a refused request never reached it.
func hitServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if h != nil {
			h(w, r)
			return
		}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// allowOnly admits exactly the address of srv, standing in for a public
// server in tests that must reach one hop before the refused one.
func allowOnly(t *testing.T, srv *httptest.Server) func(netip.AddrPort) bool {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	want := netip.MustParseAddrPort(u.Host)
	return func(ap netip.AddrPort) bool { return ap == want }
}

func TestClientRefusesURLs(t *testing.T) {
	t.Parallel()
	srv, hits := hitServer(t, nil)
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	client := NewClient(Options{})
	urls := []string{
		srv.URL + "/",
		"http://localhost:" + port + "/", // a name resolving to loopback: checked after DNS
		"http://[::ffff:127.0.0.1]:" + port + "/",
		"http://2130706433:" + port + "/",
		"http://0x7f.1:" + port + "/",
		"http://0x7f000001:" + port + "/",
		"http://017700000001:" + port + "/",
		"http://127.1:" + port + "/",
		"http://0.0.0.0:" + port + "/",
		"http://[::]:" + port + "/",
		"http://169.254.169.254/latest/meta-data/",
		"http://[fd00:ec2::254]/latest/meta-data/",
		"ftp://example.com/file",
		"file:///etc/passwd",
		"gopher://127.0.0.1:" + port + "/",
	}
	for _, u := range urls {
		t.Run(u, func(t *testing.T) {
			resp, err := client.Get(u)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("Get(%s) succeeded with %d; want an error wrapping ErrBlocked", u, resp.StatusCode)
			}
			if !errors.Is(err, ErrBlocked) {
				t.Fatalf("Get(%s) = %v; want an error wrapping ErrBlocked", u, err)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("server received %d requests; want 0", n)
	}
}

func TestClientAllowPrivate(t *testing.T) {
	t.Parallel()
	srv, hits := hitServer(t, nil)
	client := NewClient(Options{AllowPrivate: true})
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatalf("Get(%s) with AllowPrivate = %v; want success", srv.URL, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" || hits.Load() != 1 {
		t.Errorf("body = %q, hits = %d; want \"ok\", 1", body, hits.Load())
	}
	// Metadata stays closed with AllowPrivate.
	if _, err := client.Get("http://169.254.169.254/"); !errors.Is(err, ErrBlocked) {
		t.Errorf("Get(metadata) with AllowPrivate = %v; want ErrBlocked", err)
	}
}

func TestClientRefusesRedirectToLoopback(t *testing.T) {
	t.Parallel()
	internal, internalHits := hitServer(t, nil)
	port := internal.URL[strings.LastIndex(internal.URL, ":")+1:]
	targets := []string{
		internal.URL + "/admin",
		"http://localhost:" + port + "/admin",
		"http://[::ffff:127.0.0.1]:" + port + "/admin",
		"http://2130706433:" + port + "/admin",
		"file:///etc/passwd",
	}
	for _, target := range targets {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			public, publicHits := hitServer(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target, http.StatusFound)
			})
			client := NewClient(Options{allowAddr: allowOnly(t, public)})
			resp, err := client.Get(public.URL + "/start")
			if err == nil {
				resp.Body.Close()
				t.Fatalf("Get(redirect to %s) succeeded with %d; want ErrBlocked", target, resp.StatusCode)
			}
			if !errors.Is(err, ErrBlocked) {
				t.Fatalf("Get(redirect to %s) = %v; want ErrBlocked", target, err)
			}
			if publicHits.Load() != 1 {
				t.Errorf("first hop hits = %d; want 1 (the test must reach the redirecting server)", publicHits.Load())
			}
		})
	}
	t.Cleanup(func() {
		if n := internalHits.Load(); n != 0 {
			t.Errorf("loopback target received %d requests; want 0", n)
		}
	})
}

func TestClientRedirectLimit(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		redirects int
		wantErr   bool
	}{{MaxRedirects, false}, {MaxRedirects + 1, true}} {
		t.Run(fmt.Sprint(tt.redirects), func(t *testing.T) {
			t.Parallel()
			srv, _ := hitServer(t, func(w http.ResponseWriter, r *http.Request) {
				var n int
				fmt.Sscan(r.URL.Query().Get("n"), &n)
				if n < tt.redirects {
					http.Redirect(w, r, fmt.Sprintf("/?n=%d", n+1), http.StatusFound)
					return
				}
				io.WriteString(w, "done")
			})
			client := NewClient(Options{AllowPrivate: true})
			resp, err := client.Get(srv.URL + "/?n=0")
			if tt.wantErr {
				if err == nil {
					resp.Body.Close()
					t.Fatalf("Get with %d redirects succeeded; want an error", tt.redirects)
				}
				return
			}
			if err != nil {
				t.Fatalf("Get with %d redirects = %v; want success", tt.redirects, err)
			}
			resp.Body.Close()
		})
	}
}

func TestClientResponseCap(t *testing.T) {
	t.Parallel()
	const limit = 1000
	tests := []struct {
		name    string
		size    int
		chunked bool
		wantErr bool
	}{
		{"exactly the limit", limit, false, false},
		{"exactly the limit chunked", limit, true, false},
		{"over with content length", limit + 1, false, true},
		{"over chunked", limit + 1, true, true},
		{"far over chunked", 10 * limit, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := hitServer(t, func(w http.ResponseWriter, r *http.Request) {
				body := strings.Repeat("x", tt.size)
				if !tt.chunked {
					w.Header().Set("Content-Length", fmt.Sprint(tt.size))
				}
				io.WriteString(w, body[:tt.size/2])
				if tt.chunked {
					w.(http.Flusher).Flush()
				}
				io.WriteString(w, body[tt.size/2:])
			})
			client := NewClient(Options{AllowPrivate: true, MaxResponseBytes: limit})
			resp, err := client.Get(srv.URL)
			var body []byte
			if err == nil {
				body, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			if tt.wantErr {
				if !errors.Is(err, ErrResponseTooLarge) {
					t.Fatalf("reading %d bytes with cap %d: err = %v; want ErrResponseTooLarge", tt.size, limit, err)
				}
				return
			}
			if err != nil || len(body) != tt.size {
				t.Fatalf("reading %d bytes with cap %d: len = %d, err = %v; want %d, nil", tt.size, limit, len(body), err, tt.size)
			}
		})
	}
}

func TestAllowPrivateFromEnv(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  bool
	}{{"true", true}, {"1", true}, {"false", false}, {"", false}, {"yes please", false}} {
		t.Setenv("ROSTER_ALLOW_PRIVATE_NETWORK", tt.value)
		if got := AllowPrivateFromEnv(); got != tt.want {
			t.Errorf("AllowPrivateFromEnv() with %q = %v; want %v", tt.value, got, tt.want)
		}
	}
}

func TestBlockedErrorNamesTheReason(t *testing.T) {
	t.Parallel()
	srv, _ := hitServer(t, nil)
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	_, err := NewClient(Options{}).Get("http://localhost:" + port + "/")
	if err == nil || !strings.Contains(err.Error(), "loopback address") {
		t.Errorf("Get(localhost) error = %v; want it to name the loopback address", err)
	}
}

// TestClientLargeBodyKeepsStatus: an answer over the cap still gives its
// status and headers; only reading the body fails.
func TestClientLargeBodyKeepsStatus(t *testing.T) {
	t.Parallel()
	srv, _ := hitServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5000")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, strings.Repeat("x", 5000))
	})
	resp, err := NewClient(Options{AllowPrivate: true, MaxResponseBytes: 100}).Get(srv.URL)
	if err != nil {
		t.Fatalf("Get() = %v; want the response, with its status", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %d; want 200", resp.StatusCode)
	}
	if _, err := io.ReadAll(resp.Body); !errors.Is(err, ErrResponseTooLarge) {
		t.Errorf("reading the body = %v; want ErrResponseTooLarge", err)
	}
}
