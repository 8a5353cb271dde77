package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/store"
)

// TestCLIAudited: roster backup is recorded in every workspace (the file
// holds them all), API keys made and revoked on the command line are
// recorded as the CLI's, and a backup whose entry cannot be written does
// not stay on disk.
func TestCLIAudited(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ROSTER_DATA_DIR": dir}
	var wss []string
	for _, name := range []string{"Acme", "Bravo"} {
		out, errOut, code := run(t, env, "workspace", "create", "--name", name, "--admin-email", "boss@"+strings.ToLower(name)+".io", "--admin-password", "correct horse")
		if code != 0 {
			t.Fatal(errOut)
		}
		wss = append(wss, lastLine(out))
	}
	out, errOut, code := run(t, env, "apikey", "create", "--workspace", wss[0], "--name", "ci")
	if code != 0 {
		t.Fatal(errOut)
	}
	plaintext := lastLine(out)
	dst := filepath.Join(t.TempDir(), "copy.db")
	if _, errOut, code := run(t, env, "backup", dst); code != 0 {
		t.Fatalf("backup: %s", errOut)
	}

	ctx := context.Background()
	s, err := store.Open(ctx, store.OpenParams{SQLitePath: filepath.Join(dir, "roster.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	log := audit.New(audit.Config{Store: s})
	entries := func(ws string, a audit.Action) []*audit.Event {
		t.Helper()
		pg, err := log.List(ctx, ws, audit.ListParams{Filter: audit.Filter{Actions: []audit.Action{a}}})
		if err != nil {
			t.Fatal(err)
		}
		return pg.Events
	}
	for _, ws := range wss {
		es := entries(ws, audit.BackupCreated)
		if len(es) != 1 || es[0].Actor != audit.System("roster CLI") || es[0].Details["file"] != "copy.db" || es[0].Target.Type != audit.TargetDatabase {
			t.Errorf("backup entries of %s = %+v; want one by the roster CLI naming copy.db", ws, es)
		}
	}
	keys := entries(wss[0], audit.APIKeyCreated)
	if len(keys) != 1 || keys[0].Actor != audit.System("roster CLI") || keys[0].Target.Label != "ci" {
		t.Fatalf("api_key.created entries = %+v; want one by the roster CLI for ci", keys)
	}
	if _, errOut, code := run(t, env, "apikey", "revoke", "--workspace", wss[0], "--id", keys[0].Target.ID); code != 0 {
		t.Fatal(errOut)
	}
	if es := entries(wss[0], audit.APIKeyRevoked); len(es) != 1 || es[0].Target.ID != keys[0].Target.ID {
		t.Errorf("api_key.revoked entries = %+v; want one for the ci key", es)
	}
	if strings.Contains(strings.Join(auditTexts(t, s), "\n"), plaintext) {
		t.Error("the audit log holds the API key")
	}

	// No audit, no backup.
	if _, err := s.Write.ExecContext(ctx, "ALTER TABLE audit_log RENAME TO audit_log_away"); err != nil {
		t.Fatal(err)
	}
	dst2 := filepath.Join(t.TempDir(), "copy2.db")
	if _, errOut, code := run(t, env, "backup", dst2); code == 0 || !strings.Contains(errOut, "removed") {
		t.Errorf("backup without its audit entry: code %d, %q; want a failure saying the copy was removed", code, errOut)
	}
	if _, err := os.Stat(dst2); !os.IsNotExist(err) {
		t.Errorf("stat of the unaudited backup = %v; want it gone", err)
	}
}

// auditTexts returns every text column of the audit log.
func auditTexts(t *testing.T, s *store.Store) []string {
	t.Helper()
	rows, err := s.Read.Query("SELECT action, actor_name, target_label, details, ip, user_agent FROM audit_log")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a, b, c, d, e, f string
		if err := rows.Scan(&a, &b, &c, &d, &e, &f); err != nil {
			t.Fatal(err)
		}
		out = append(out, a, b, c, d, e, f)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
