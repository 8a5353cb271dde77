package httpserver

import (
	"context"
	"net/http"
	"time"
)

// readyTimeout bounds the readiness checks so a hung database fails the
// probe instead of hanging it.
const readyTimeout = 5 * time.Second

// healthz answers while the process is up; it checks nothing else, so a
// database outage never gets the process restarted.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only when the process can serve: the database answers,
// its migrations are all applied, and the extra Ready check passes.
// Otherwise 503 with a short reason; database errors are logged, not shown.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if reason := s.notReady(ctx, r); reason != "" {
		WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": reason})
		return
	}
	WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) notReady(ctx context.Context, r *http.Request) string {
	log := Logger(r.Context())
	if st := s.cfg.Store; st != nil {
		if err := st.Ping(ctx); err != nil {
			log.Warn("readyz: database ping failed", "err", err)
			return "database unreachable"
		}
		current, err := st.MigrationsCurrent(ctx)
		if err != nil {
			log.Warn("readyz: migration status failed", "err", err)
			return "database migration status unknown"
		}
		if !current {
			return "database migrations pending"
		}
	}
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(ctx); err != nil {
			return err.Error()
		}
	}
	return ""
}
