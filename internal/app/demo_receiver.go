package app

import (
	"hash/fnv"
	"io"
	"net/http"
	"sync"

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
