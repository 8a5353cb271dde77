package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/roster-crm/roster/internal/config"
)

// command is one CLI subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env *cliEnv, args []string) error
}

// cliEnv is what every command gets: its streams and the environment lookup.
type cliEnv struct {
	stdout, stderr io.Writer
	getenv         config.Getenv
}

var commands = map[string]command{
	"serve":     {"run the server (--demo for a ready-to-try workspace on SQLite)", cmdServe},
	"migrate":   {"apply or roll back database migrations: up | down [N] | status", cmdMigrate},
	"workspace": {"manage workspaces: create --name --admin-email --admin-password | list", cmdWorkspace},
	"apikey":    {"manage API keys: create --workspace ID --name NAME | list --workspace ID | revoke --workspace ID --id ID", cmdAPIKey},
	"backup":    {"write an online, consistent copy of the SQLite database to FILE", cmdBackup},
	"whop":      {"Whop integration: sync --workspace ID (with progress; resumes) | sim (run the Whop simulator)", cmdWhop},
	"secrets":   {"rotate: re-seal stored secrets under ROSTER_ENCRYPTION_KEY (old keys in ROSTER_ENCRYPTION_OLD_KEYS)", cmdSecrets},
	"version":   {"print the version", cmdVersion},
}

// errUsage marks errors that come with the usage text.
var errUsage = errors.New("usage")

// Main runs the CLI and returns the process exit code. Scripts rely on the
// output contract: `workspace create` and `apikey create` print the new ID or
// key alone on the last line of standard output; errors go to standard error
// as one line.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	env := &cliEnv{stdout: stdout, stderr: stderr, getenv: os.Getenv}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "roster: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	if err := cmd.run(ctx, env, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "roster %s: %s\n", args[0], oneLine(err))
		if errors.Is(err, errUsage) {
			return 2
		}
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: roster <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nsettings come from the environment: ROSTER_DATA_DIR, DATABASE_URL, ROSTER_ADDR, ROSTER_BASE_URL, ROSTER_ENCRYPTION_KEY (see docs/admin.md)")
}

func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

// flags returns a flag set that reports to stderr and fails with errUsage.
func (e *cliEnv) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("roster "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}

// openForCLI loads the configuration (no encryption key needed) and opens the
// app with migrations applied, for management commands.
func (e *cliEnv) openForCLI(ctx context.Context) (*App, error) {
	cfg, err := config.Load(e.getenv, config.Options{KeyOptional: true})
	if err != nil {
		return nil, err
	}
	logger := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return open(ctx, cfg, logger, openParams{Migrate: true})
}
