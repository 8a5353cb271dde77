package poll_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/poll"
)

// recorder is a testing.TB that records Fatalf instead of stopping the test.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	panic(r)
}

func until(within time.Duration, check func() error) (failed string) {
	r := &recorder{}
	defer func() {
		if p := recover(); p != nil && p != any(r) {
			panic(p)
		}
		failed = r.failed
	}()
	poll.Until(r, within, check)
	return ""
}

func TestUntil(t *testing.T) {
	calls := 0
	if msg := until(5*time.Second, func() error {
		calls++
		if calls < 3 {
			return errors.New("not yet")
		}
		return nil
	}); msg != "" || calls != 3 {
		t.Errorf("Until(succeeds on 3rd call) failed %q after %d calls; want success after 3", msg, calls)
	}

	n := 0
	msg := until(3*poll.Interval, func() error { n++; return fmt.Errorf("seen %d", n) })
	if !strings.Contains(msg, "still waiting after") || !strings.Contains(msg, fmt.Sprintf("seen %d", n)) {
		t.Errorf("Until(never) failed with %q; want the deadline and the last state (seen %d)", msg, n)
	}
}
