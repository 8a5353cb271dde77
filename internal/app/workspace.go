package app

import (
	"context"
	"fmt"

	"github.com/roster-crm/roster/internal/auth"
)

// cmdWorkspace creates or lists workspaces. `create` prints the new
// workspace's ID alone on the last line.
func cmdWorkspace(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: workspace create --name N --admin-email E --admin-password P | workspace list", errUsage)
	}
	switch args[0] {
	case "create":
		fs := env.flags("workspace create")
		name := fs.String("name", "", "workspace name")
		email := fs.String("admin-email", "", "email of the first admin")
		password := fs.String("admin-password", "", "password of the first admin (at least 8 characters)")
		adminName := fs.String("admin-name", "", "display name of the first admin")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		a, err := env.openForCLI(ctx)
		if err != nil {
			return err
		}
		defer a.Close()
		ws, user, err := a.Auth.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: *name, AdminEmail: *email, AdminPassword: *password, AdminName: *adminName})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "created workspace %q with admin %s\n%s\n", ws.Name, user.Email, ws.ID)
	case "list":
		a, err := env.openForCLI(ctx)
		if err != nil {
			return err
		}
		defer a.Close()
		list, err := a.Store.WorkspaceList(ctx)
		if err != nil {
			return err
		}
		for _, w := range list {
			fmt.Fprintf(env.stdout, "%s  %s\n", w.ID, w.Name)
		}
	default:
		return fmt.Errorf("%w: unknown workspace action %q (create, list)", errUsage, args[0])
	}
	return nil
}
