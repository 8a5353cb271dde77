// Command roster is the Roster CRM server and its management CLI.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/roster-crm/roster/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
