package web

import (
	"net"
	"net/http"
)

// clientIP is the address a sign-in attempt is counted against.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
