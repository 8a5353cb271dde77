package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/roster-crm/roster/internal/config"
)

// cmdSecrets re-seals stored secrets under the current encryption key.
//
// Rotation: set ROSTER_ENCRYPTION_KEY to a new key and list the old one in
// ROSTER_ENCRYPTION_OLD_KEYS; everything keeps working (old values open with
// the old key), then `roster secrets rotate` re-seals them all under the new
// key, after which the old key can be dropped.
func cmdSecrets(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) != 1 || args[0] != "rotate" {
		return fmt.Errorf("%w: secrets rotate", errUsage)
	}
	cfg, err := config.Load(env.getenv, config.Options{})
	if err != nil {
		return err
	}
	a, err := open(ctx, cfg, slog.New(slog.NewJSONHandler(env.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), openParams{Migrate: true})
	if err != nil {
		return err
	}
	defer a.Close()
	if a.Whop == nil {
		return errors.New("no encryption key configured")
	}
	n, err := a.Whop.RotateSecrets(ctx)
	if err != nil {
		return err
	}
	hooks, err := a.Webhooks.RotateSecrets(ctx)
	if err != nil {
		return err
	}
	n += hooks
	keys, err := a.AI.RotateKeys(ctx)
	if err != nil {
		return err
	}
	n += keys
	fmt.Fprintf(env.stdout, "re-sealed %d secret(s) under the current key\n", n)
	return nil
}
