package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/webhooks"
	"github.com/roster-crm/roster/internal/whop/whopsim"
	"github.com/roster-crm/roster/internal/whopsync"
)

func newKey() (string, []byte) {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return base64.StdEncoding.EncodeToString(k), k
}

// TestSecretsRotate moves sealed Whop credentials from an old key to a new
// one; afterwards the old key is no longer needed.
func TestSecretsRotate(t *testing.T) {
	ctx := context.Background()
	sim := whopsim.New(whopsim.Config{RateLimit: -1, APIKeys: []whopsim.APIKey{{Key: simAPIKey, CompanyID: simCompanyID}}})
	sim.Generate(whopsim.GenerateParams{CompanyID: simCompanyID, Users: 3})
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	oldB64, _ := newKey()
	newB64, newRaw := newKey()
	env := map[string]string{"ROSTER_DATA_DIR": t.TempDir(), "ROSTER_ENCRYPTION_KEY": oldB64, "WHOP_API_BASE_URL": srv.URL + "/api/v1"}
	getenv := func(k string) string { return env[k] }
	cfg, err := config.Load(getenv, config.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := open(ctx, cfg, slog.New(slog.DiscardHandler), openParams{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	ws, _, err := a.Auth.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: "S", AdminEmail: "s@s.io", AdminPassword: "password-1"})
	if err != nil {
		t.Fatal(err)
	}
	k := "k"
	if _, err := a.Whop.ConnectAPIKey(ctx, &auth.Principal{WorkspaceID: ws.ID, APIKeyID: &k, Role: auth.RoleAdmin}, whopsync.ConnectAPIKeyParams{APIKey: simAPIKey, CompanyID: simCompanyID, WebhookSecret: simWebhookSecret}); err != nil {
		t.Fatal(err)
	}
	hook, err := a.Webhooks.Create(ctx, &auth.Principal{WorkspaceID: ws.ID, APIKeyID: &k, Role: auth.RoleAdmin}, webhooks.CreateParams{TargetURL: "https://hooks.example.com/", Operations: []string{"*.*"}})
	if err != nil {
		t.Fatal(err)
	}
	a.Close()

	env["ROSTER_ENCRYPTION_KEY"], env["ROSTER_ENCRYPTION_OLD_KEYS"] = newB64, oldB64
	out, errOut, code := run(t, env, "secrets", "rotate")
	if code != 0 || !strings.Contains(out, "re-sealed 3 secret(s)") {
		t.Fatalf("secrets rotate: %d %q %q", code, out, errOut)
	}
	// Only the new key now: the connection still opens and syncs.
	delete(env, "ROSTER_ENCRYPTION_OLD_KEYS")
	cfg, _ = config.Load(getenv, config.Options{})
	a, err = open(ctx, cfg, slog.New(slog.DiscardHandler), openParams{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	conn, err := a.Store.WhopConnectionGet(ctx, nil, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := secret.SealedKeyID(conn.AccessTokenSealed); id != secret.KeyID(newRaw) {
		t.Fatalf("access token sealed under %s; want the new key %s", id, secret.KeyID(newRaw))
	}
	sealed, err := a.Store.WebhookGet(ctx, nil, ws.ID, hook.ID)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := secret.SealedKeyID(sealed.SecretSealed); id != secret.KeyID(newRaw) {
		t.Fatalf("webhook secret sealed under %s; want the new key %s", id, secret.KeyID(newRaw))
	}
	run, err := a.Whop.StartRun(ctx, ws.ID, whopsync.RunFull)
	if err != nil {
		t.Fatal(err)
	}
	if run, err = a.Whop.RunSync(ctx, ws.ID, run.ID, nil); err != nil || run.Status != "succeeded" {
		t.Fatalf("sync after rotation: %v, %v", run.Status, err)
	}
}
