// Package poll waits, in tests, for something another goroutine or process
// does: a job to run, a sync to finish, a page to update. It is the one place
// that waits by polling, so every wait has a deadline and every timeout says
// what was last seen instead of only "timed out".
package poll

import (
	"testing"
	"time"
)

// Interval is how often Until asks again: short enough not to slow a test
// down, long enough not to compete with the work it waits for.
const Interval = 20 * time.Millisecond

// Until calls check until it returns nil and fails t if that has not
// happened within the given time. check returns an error describing what it
// is still waiting for; the last one is the failure message.
func Until(t testing.TB, within time.Duration, check func() error) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still waiting after %v: %v", within, err)
		}
		time.Sleep(Interval)
	}
}
