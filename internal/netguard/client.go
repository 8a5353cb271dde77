package netguard

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"syscall"
	"time"
)

// ErrBlocked is wrapped in the error a request returns when its destination
// (the first one or any redirect) is refused: a forbidden scheme, an
// ambiguous numeric host, or an address on a protected network. Callers test
// it with errors.Is and report it as the user's mistake, not as an outage.
var ErrBlocked = errors.New("destination not allowed")

// ErrResponseTooLarge is returned by a response body's Read once the body
// goes past Options.MaxResponseBytes (at the first Read when the
// Content-Length already says so), so a caller never mistakes a cut-off
// body for the whole answer. The request itself succeeds: status and
// headers are there to read.
var ErrResponseTooLarge = errors.New("response body too large")

// MaxRedirects is how many redirects a client follows before giving up.
const MaxRedirects = 5

// Defaults used when an Options field is zero.
const (
	DefaultTimeout          = 10 * time.Second
	DefaultMaxResponseBytes = 1 << 20
)

// Options configures NewClient.
type Options struct {
	// AllowPrivate lets requests reach loopback, private, link-local and other
	// internal ranges (see AllowPrivateFromEnv). Cloud metadata addresses stay
	// refused.
	AllowPrivate bool
	// Timeout bounds the whole exchange, redirects and body read included.
	// Zero means DefaultTimeout.
	Timeout time.Duration
	// MaxResponseBytes caps each response body; reading past it fails with
	// ErrResponseTooLarge. Zero means DefaultMaxResponseBytes.
	MaxResponseBytes int64

	// allowAddr, when set, admits one exact address:port whatever its range.
	// Only tests set it, to stand up a "public" server on loopback.
	allowAddr func(netip.AddrPort) bool
}

// AllowPrivateFromEnv reports whether ROSTER_ALLOW_PRIVATE_NETWORK is set to
// true, the operator's switch for targets on their own network.
func AllowPrivateFromEnv() bool {
	v, err := strconv.ParseBool(os.Getenv("ROSTER_ALLOW_PRIVATE_NETWORK"))
	return err == nil && v
}

// NewClient returns an HTTP client that refuses protected destinations after
// DNS resolution and on every redirect, follows at most MaxRedirects
// redirects, speaks only http and https, ignores proxy environment variables
// (a proxy would dial on our behalf, out of reach of the check) and caps
// response bodies. The client keeps connections alive: build one per
// service and reuse it.
func NewClient(o Options) *http.Client {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = DefaultMaxResponseBytes
	}
	dialer := &net.Dialer{
		Timeout:   o.Timeout,
		KeepAlive: 30 * time.Second,
		Control:   controlFunc(o),
	}
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   o.Timeout,
		ResponseHeaderTimeout: o.Timeout,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Transport: &guardedTransport{next: transport, maxBytes: o.MaxResponseBytes},
		Timeout:   o.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > MaxRedirects {
				return fmt.Errorf("netguard: stopped after %d redirects", MaxRedirects)
			}
			return nil
		},
	}
}

// controlFunc checks the address the socket is about to connect to. It runs
// after resolution, for every connection attempt (each resolved address of
// a happy-eyeballs dial, each redirect hop), so no DNS answer can slip a
// protected address past it.
func controlFunc(o Options) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("netguard: dial %s %q: %w", network, address, ErrBlocked)
		}
		if o.allowAddr != nil && o.allowAddr(ap) {
			return nil
		}
		if reason := blockReason(ap.Addr(), o.AllowPrivate); reason != "" {
			return fmt.Errorf("netguard: dial %s: %s: %w", ap.Addr(), reason, ErrBlocked)
		}
		return nil
	}
}

// guardedTransport checks each request's scheme and host spelling (the
// client calls RoundTrip once per redirect hop) and caps the response body.
type guardedTransport struct {
	next     http.RoundTripper
	maxBytes int64
}

// RoundTrip implements http.RoundTripper.
func (t *guardedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := checkRequestURL(req); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b := &cappedBody{rc: resp.Body, left: t.maxBytes, max: t.maxBytes}
	if resp.ContentLength > t.maxBytes {
		// Fail the first read rather than the request: the caller still
		// sees the status (a webhook target's 200 with a large page is a
		// success), and the body is never read.
		b.err = fmt.Errorf("netguard: response body of %d bytes exceeds %d bytes: %w", resp.ContentLength, t.maxBytes, ErrResponseTooLarge)
	}
	resp.Body = b
	return resp, nil
}

// checkRequestURL refuses schemes other than http and https and numeric host
// spellings that resolvers read differently.
func checkRequestURL(req *http.Request) error {
	u := req.URL
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("netguard: scheme %q: only http and https are allowed: %w", u.Scheme, ErrBlocked)
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("netguard: %s: no host: %w", u.Redacted(), ErrBlocked)
	}
	if ambiguousNumericHost(host) {
		return fmt.Errorf("netguard: host %q is a numeric address in a non-standard form: %w", host, ErrBlocked)
	}
	return nil
}

// cappedBody passes through at most max bytes and fails, rather than ending
// early, when the body is longer.
type cappedBody struct {
	rc   io.ReadCloser
	left int64
	max  int64
	err  error
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.left == 0 {
		// Probe one byte: at the end of the body this is EOF, otherwise the
		// body is longer than allowed.
		var one [1]byte
		n, err := io.ReadFull(b.rc, one[:])
		if n > 0 {
			b.err = fmt.Errorf("netguard: response body exceeds %d bytes: %w", b.max, ErrResponseTooLarge)
			return 0, b.err
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }
