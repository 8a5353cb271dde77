package app

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/webhooks"
)

// demoReceiverPath is where the demo's outgoing webhook posts: a receiver
// inside the demo process, so the demo makes no network call off the
// machine.
const demoReceiverPath = "/demo/webhook-receiver"

// demoReceiver answers the demo webhook's deliveries. It checks that the
// Standard Webhooks headers are there and answers 200, except that the
// first attempt of about one delivery in six gets a 503, so the delivery log
// shows a failure and its retry 5 seconds later.
func demoReceiver() http.Handler {
	var (
		mu   sync.Mutex
		seen = map[string]bool{}
	)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		id := r.Header.Get(webhooks.HeaderID)
		if id == "" || r.Header.Get(webhooks.HeaderSignature) == "" || r.Header.Get(webhooks.HeaderTimestamp) == "" {
			http.Error(w, "missing webhook-id, webhook-timestamp or webhook-signature", http.StatusBadRequest)
			return
		}
		h := fnv.New32a()
		_, _ = io.WriteString(h, id)
		mu.Lock()
		first := !seen[id]
		if len(seen) > 10000 {
			clear(seen)
		}
		seen[id] = true
		mu.Unlock()
		if first && h.Sum32()%6 == 0 {
			http.Error(w, "demo receiver: busy, try again", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"received":true}`)
	})
}

// demoReceiverURL is the receiver's URL on the listen address addr, always
// on this machine: an unspecified host (":8080", "0.0.0.0:8080") becomes
// 127.0.0.1. ROSTER_BASE_URL is not used: it may name a public host, and
// the demo makes no call off the machine.
func demoReceiverURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = addr, "80"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + demoReceiverPath
}

// pointDemoWebhook moves the demo workspace's webhook to the receiver on
// the address the server actually bound (with ROSTER_ADDR port 0 it is
// only known then). Deliveries read the URL at each attempt, so one that
// failed before this is retried at the right place.
func (a *App) pointDemoWebhook(ctx context.Context, target string) error {
	wsID, err := a.demoWorkspaceID(ctx)
	if err != nil || wsID == "" {
		return err
	}
	key := "demo"
	admin := &auth.Principal{WorkspaceID: wsID, APIKeyID: &key, Role: auth.RoleAdmin, Name: "Demo"}
	pg, err := a.Webhooks.List(ctx, admin, webhooks.ListParams{})
	if err != nil {
		return err
	}
	for _, w := range pg.Webhooks {
		if strings.HasSuffix(w.TargetURL, demoReceiverPath) && w.TargetURL != target {
			if _, err := a.Webhooks.Update(ctx, admin, w.ID, webhooks.UpdateParams{TargetURL: &target}); err != nil {
				return fmt.Errorf("demo webhook: %w", err)
			}
		}
	}
	return nil
}
