package httpserver

import (
	"net/http"

	"github.com/roster-crm/roster/internal/audit"
)

// origin puts where the request came from (the peer address, the
// User-Agent) in its context, so services record it in the audit log
// without taking the request.
func origin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := audit.OriginOf(r.RemoteAddr, r.UserAgent())
		next.ServeHTTP(w, r.WithContext(audit.WithOrigin(r.Context(), o)))
	})
}
