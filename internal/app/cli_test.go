package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// run executes the CLI with the given environment and returns stdout, stderr
// and the exit code.
func run(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &cliEnv{stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] }}
	code := 0
	cmd, ok := commands[args[0]]
	if !ok {
		t.Fatalf("no command %q", args[0])
	}
	if err := cmd.run(context.Background(), e, args[1:]); err != nil {
		errOut.WriteString(err.Error())
		code = 1
	}
	return out.String(), errOut.String(), code
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// cliEnvs returns the environments to run CLI tests against: a SQLite data
// directory, and a PostgreSQL schema when the conformance run is on.
func cliEnvs(t *testing.T) map[string]map[string]string {
	envs := map[string]map[string]string{"sqlite": {"ROSTER_DATA_DIR": t.TempDir()}}
	if storetest.PostgresEnabled(t) {
		envs["postgres"] = map[string]string{"DATABASE_URL": storetest.PostgresURL(t)}
	}
	return envs
}

func TestCLIWorkspaceAndAPIKey(t *testing.T) {
	for name, env := range cliEnvs(t) {
		t.Run(name, func(t *testing.T) {
			out, errOut, code := run(t, env, "workspace", "create", "--name", "Acme", "--admin-email", "boss@acme.io", "--admin-password", "correct horse")
			if code != 0 {
				t.Fatalf("workspace create failed: %s", errOut)
			}
			wsID := lastLine(out)
			if len(wsID) != 36 {
				t.Fatalf("last line of workspace create = %q; want the workspace ID", wsID)
			}
			out, errOut, code = run(t, env, "apikey", "create", "--workspace", wsID, "--name", "ci")
			if code != 0 {
				t.Fatalf("apikey create failed: %s", errOut)
			}
			if key := lastLine(out); !strings.HasPrefix(key, "rk_") {
				t.Fatalf("last line of apikey create = %q; want the key", key)
			}
			out, _, _ = run(t, env, "apikey", "list", "--workspace", wsID)
			if !strings.Contains(out, "ci") || !strings.Contains(out, "active") {
				t.Errorf("apikey list = %q; want the ci key, active", out)
			}
			if _, errOut, code = run(t, env, "apikey", "create", "--workspace", "00000000-0000-0000-0000-000000000000", "--name", "x"); code == 0 || !strings.Contains(errOut, "not found") {
				t.Errorf("apikey create for unknown workspace: code %d, %q; want a not-found error", code, errOut)
			}
			if _, errOut, code = run(t, env, "workspace", "create", "--name", "B", "--admin-email", "bad", "--admin-password", "correct horse"); code == 0 || !strings.Contains(errOut, "adminEmail") {
				t.Errorf("workspace create with a bad email: code %d, %q; want an error naming adminEmail", code, errOut)
			}
			out, _, _ = run(t, env, "migrate", "status")
			if !strings.Contains(out, "applied") || strings.Contains(out, "pending") || !strings.Contains(out, "job queue schema current: true") {
				t.Errorf("migrate status = %q; want everything applied", out)
			}
		})
	}
}

func TestCLIMigrateDownUp(t *testing.T) {
	for name, env := range cliEnvs(t) {
		t.Run(name, func(t *testing.T) {
			if _, errOut, code := run(t, env, "migrate", "up"); code != 0 {
				t.Fatalf("migrate up: %s", errOut)
			}
			out, errOut, code := run(t, env, "migrate", "down", "100")
			if code != 0 || !strings.Contains(out, "rolled back") {
				t.Fatalf("migrate down: %q %s", out, errOut)
			}
			out, _, _ = run(t, env, "migrate", "status")
			if strings.Contains(out, "applied ") || !strings.Contains(out, "job queue schema current: false") {
				t.Errorf("status after down = %q; want all pending", out)
			}
			if _, errOut, code := run(t, env, "migrate", "up"); code != 0 {
				t.Fatalf("migrate up again: %s", errOut)
			}
			if _, _, code := run(t, env, "migrate", "sideways"); code == 0 {
				t.Error("migrate sideways succeeded; want a usage error")
			}
		})
	}
}

func TestCLIBackup(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ROSTER_DATA_DIR": dir}
	out, errOut, code := run(t, env, "workspace", "create", "--name", "Acme", "--admin-email", "boss@acme.io", "--admin-password", "correct horse")
	if code != 0 {
		t.Fatal(errOut)
	}
	wsID := lastLine(out)
	dst := filepath.Join(t.TempDir(), "copy.db")
	if _, errOut, code := run(t, env, "backup", dst); code != 0 {
		t.Fatalf("backup: %s", errOut)
	}
	// The copy is a complete database: open it and find the workspace.
	s, err := store.Open(context.Background(), store.OpenParams{SQLitePath: dst})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.WorkspaceGet(context.Background(), wsID); err != nil {
		t.Fatalf("backup copy lacks the workspace: %v", err)
	}
	var ok string
	if err := s.Read.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check = %q, %v", ok, err)
	}
	if _, _, code := run(t, env, "backup", dst); code == 0 {
		t.Error("backup over an existing file succeeded; want a refusal")
	}
}

func TestCLIServeNeedsKeyOutsideDemo(t *testing.T) {
	_, errOut, code := run(t, map[string]string{"ROSTER_DATA_DIR": t.TempDir()}, "serve")
	if code == 0 || !strings.Contains(errOut, "ROSTER_ENCRYPTION_KEY") || strings.Contains(errOut, "\n") {
		t.Fatalf("serve without key: code %d, %q; want one line about ROSTER_ENCRYPTION_KEY", code, errOut)
	}
	_, errOut, code = run(t, map[string]string{"ROSTER_DATA_DIR": t.TempDir(), "ROSTER_ENCRYPTION_KEY": base64.StdEncoding.EncodeToString([]byte("short"))}, "serve")
	if code == 0 || !strings.Contains(errOut, "32 random bytes") {
		t.Fatalf("serve with a short key: code %d, %q", code, errOut)
	}
}
