package app

import (
	"context"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
)

// cliActor is how commands run on the server appear in the audit log.
var cliActor = audit.System("roster CLI")

// cmdAPIKey creates, lists or revokes API keys. `create` prints the key alone
// on the last line; it is shown only this once.
func cmdAPIKey(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: apikey create --workspace ID --name NAME | list --workspace ID | revoke --workspace ID --id ID", errUsage)
	}
	fs := env.flags("apikey " + args[0])
	workspace := fs.String("workspace", "", "workspace ID")
	name := fs.String("name", "", "a name that says what the key is for")
	id := fs.String("id", "", "API key ID (revoke)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *workspace == "" {
		return fmt.Errorf("%w: --workspace is required", errUsage)
	}
	a, err := env.openForCLI(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.Store.WorkspaceGet(ctx, *workspace); err != nil {
		return err
	}
	switch args[0] {
	case "create":
		key, plaintext, err := a.Auth.CreateAPIKey(ctx, auth.CreateAPIKeyParams{WorkspaceID: *workspace, Name: *name, By: cliActor})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "created API key %q (id %s); store it now, it is not shown again\n%s\n", key.Name, key.ID, plaintext)
	case "list":
		keys, err := a.Auth.ListAPIKeys(ctx, *workspace)
		if err != nil {
			return err
		}
		for _, k := range keys {
			state := "active"
			if k.RevokedAt != nil {
				state = "revoked"
			}
			used := "never used"
			if k.LastUsedAt != nil {
				used = "last used " + k.LastUsedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(env.stdout, "%s  %s…  %-8s %s  %s\n", k.ID, k.Prefix, state, used, k.Name)
		}
	case "revoke":
		if _, err := a.Auth.RevokeAPIKey(ctx, *workspace, *id, cliActor); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "revoked %s\n", *id)
	default:
		return fmt.Errorf("%w: unknown apikey action %q (create, list, revoke)", errUsage, args[0])
	}
	return nil
}
