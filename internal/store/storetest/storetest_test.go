package storetest

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/store"
)

// TestPostgresNotRunningIsLoud runs a dialect-aware test in a child process
// without ROSTER_TEST_DATABASE_URL: with CI=true it must fail naming the
// variable, without CI it must pass and still say that PostgreSQL did not run.
func TestPostgresNotRunningIsLoud(t *testing.T) {
	if os.Getenv("STORETEST_CHILD") == "1" {
		Dialects(t, func(t *testing.T, s *store.Store) {})
		return
	}
	for _, tc := range []struct {
		ci       string
		wantFail bool
	}{{"true", true}, {"", false}} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPostgresNotRunningIsLoud$", "-test.v")
		cmd.Env = append(withoutEnv(os.Environ(), EnvPostgresURL, "CI"), "STORETEST_CHILD=1", "CI="+tc.ci)
		out, err := cmd.CombinedOutput()
		if failed := err != nil; failed != tc.wantFail {
			t.Errorf("CI=%q: child failed = %v; want %v\n%s", tc.ci, failed, tc.wantFail, out)
		}
		if !strings.Contains(string(out), NotRunning) {
			t.Errorf("CI=%q: child output lacks %q\n%s", tc.ci, NotRunning, out)
		}
	}
}

func withoutEnv(env []string, names ...string) []string {
	var out []string
next:
	for _, kv := range env {
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}
